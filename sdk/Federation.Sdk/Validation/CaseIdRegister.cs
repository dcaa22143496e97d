using Federation.Sdk.Records;

namespace Federation.Sdk.Validation;

/// <summary>Remembers where each case id was first seen in one run, to catch duplicates.</summary>
public sealed class CaseIdRegister
{
    private readonly Dictionary<string, FirstSeen> _firstSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FirstSeen>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public CaseIdRegister()
    {
        _bySpan = _firstSeen.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Registers a case id; false with the first location when it was already seen.</summary>
    public bool TryRegister(string caseId, string location, out string? firstSeenAt)
    {
        if (_firstSeen.TryGetValue(caseId, out var seen))
        {
            firstSeenAt = seen.Location;
            return false;
        }

        _firstSeen.Add(caseId, new FirstSeen(location, null, 0));
        firstSeenAt = null;
        return true;
    }

    /// <summary>
    /// Registers a case id read from <paramref name="cursor"/> at <paramref name="position"/> (its location text is made
    /// only when asked for); false when it was already seen.
    /// </summary>
    internal bool TryRegister(ReadOnlySpan<char> caseId, IRecordSpanCursor cursor, long position) =>
        _bySpan.TryAdd(caseId, new FirstSeen(null, cursor, position));

    private readonly record struct FirstSeen(string? LocationText, IRecordSpanCursor? Cursor, long Position)
    {
        public string Location => LocationText ?? Cursor!.LocationOf(Position);
    }
}
