using Federation.Sdk.Records;

namespace Federation.Sdk.Validation;

/// <summary>
/// Remembers where each case id was first seen in one run, to catch duplicates. The ids are kept end to end in one
/// growing block of text (no object per id), with where each was first seen: a location text, or a cursor and the
/// row's position in it, made into text only when a duplicate asks for it.
/// </summary>
public sealed class CaseIdRegister
{
    // Where an id was first seen: a location text's index in _locations, negated and less one; or a cursor's index in
    // _cursors in the high bits and the row's position in it in the low ones.
    private const int PositionBits = 40;

    private readonly IdText _text = new();
    private readonly Dictionary<IdKey, long> _firstSeen;
    private readonly List<string> _locations = [];
    private readonly List<IRecordSpanCursor> _cursors = [];

    public CaseIdRegister()
    {
        _firstSeen = new Dictionary<IdKey, long>(_text);
    }

    /// <summary>Registers a case id; false with the first location when it was already seen.</summary>
    public bool TryRegister(string caseId, string location, out string? firstSeenAt)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        if (!TryRegister(caseId, ~(long)_locations.Count, out var seen))
        {
            firstSeenAt = LocationOf(seen);
            return false;
        }

        _locations.Add(location);
        firstSeenAt = null;
        return true;
    }

    /// <summary>
    /// Registers a case id read from <paramref name="cursor"/> at <paramref name="position"/> (its location text is made
    /// only when asked for); false when it was already seen.
    /// </summary>
    internal bool TryRegister(ReadOnlySpan<char> caseId, IRecordSpanCursor cursor, long position)
    {
        var index = _cursors.LastIndexOf(cursor);
        if (index < 0)
        {
            index = _cursors.Count;
            _cursors.Add(cursor);
        }

        return TryRegister(caseId, ((long)index << PositionBits) | position, out _);
    }

    private bool TryRegister(ReadOnlySpan<char> caseId, long firstSeen, out long seen)
    {
        // The id is written after the kept ones; kept only when it is new.
        var key = _text.Append(caseId);
        if (_firstSeen.TryGetValue(key, out seen))
        {
            _text.Length = key.Start;
            return false;
        }

        _firstSeen.Add(key, firstSeen);
        return true;
    }

    private string LocationOf(long seen) => seen < 0
        ? _locations[(int)~seen]
        : _cursors[(int)(seen >> PositionBits)].LocationOf(seen & ((1L << PositionBits) - 1));

    private readonly record struct IdKey(int Start, int Length);

    // The ids' text, end to end; compares and hashes the ids it holds.
    private sealed class IdText : IEqualityComparer<IdKey>
    {
        private char[] _chars = new char[4096];

        public int Length { get; set; }

        public IdKey Append(ReadOnlySpan<char> id)
        {
            if (Length + id.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + id.Length));
            }

            id.CopyTo(_chars.AsSpan(Length));
            var key = new IdKey(Length, id.Length);
            Length += id.Length;
            return key;
        }

        public bool Equals(IdKey x, IdKey y) => Text(x).SequenceEqual(Text(y));

        public int GetHashCode(IdKey key) => string.GetHashCode(Text(key));

        private ReadOnlySpan<char> Text(IdKey key) => _chars.AsSpan(key.Start, key.Length);
    }
}
