using System.Globalization;
using System.Text.RegularExpressions;
using Federation.Sdk.Catalog;
using Federation.Sdk.Records;

namespace Federation.Sdk.Validation;

/// <summary>
/// The fast path of <see cref="RecordValidator"/>: a dataset's record definition compiled once into per-field checks
/// and per-dimension lookups over a row's text spans (<see cref="IRecordSpanCursor"/>), with no allocation per row. It
/// settles a row only when the row is valid (accepted, or out of scope); a row with any problem, or one it cannot judge
/// alone, is <see cref="SpanVerdict.General"/>: the pipeline then reads it the general way, so reasons and results are
/// exactly <see cref="RecordValidator"/>'s.
/// </summary>
internal sealed class SpanRecordValidator
{
    private readonly ReferencePeriodType _periodType;
    private readonly RecordField _recordId;
    private readonly RecordField _period;
    private readonly RecordField? _scopeField;
    private readonly SpanKeyTable<bool> _scope;
    private readonly FieldCheck[] _checks;
    private readonly RecordField[] _typedFields;
    private readonly CompiledDerivation[] _derivations;
    private readonly DateOnly[] _dates;
    private readonly bool[] _hasDate;
    private readonly long[] _numbers;
    private readonly bool[] _hasNumber;
    private readonly DateOnly _today;

    private SpanRecordValidator(DatasetDefinition dataset, RecordDefinition record, CompiledDerivation[] derivations, DateOnly today)
    {
        _today = today;
        _periodType = dataset.PeriodType;
        _recordId = record.RecordId;
        _period = record.Period;
        _scopeField = record.Scope?.Field;
        // A value both in and out is out: the general path looks at "out" first.
        _scope = new SpanKeyTable<bool>([
            .. (record.Scope?.Out ?? []).Select(v => KeyValuePair.Create(v, false)),
            .. (record.Scope?.In ?? []).Select(v => KeyValuePair.Create(v, true))]);
        // Only fields with a rule to check: others are read by the derivations that use them, or not at all.
        _checks = [.. record.Fields
            .Where(f => f != record.RecordId && f != _scopeField && (f.Required || f.NotInFuture || f.Values is not null || f.Pattern is not null))
            .Select(f => new FieldCheck(f))];
        _typedFields = [.. record.Fields.Where(f => f.Kind is RecordFieldKind.Date or RecordFieldKind.Number)];
        _derivations = derivations;
        _dates = new DateOnly[record.Fields.Count];
        _hasDate = new bool[record.Fields.Count];
        _numbers = new long[record.Fields.Count];
        _hasNumber = new bool[record.Fields.Count];
    }

    /// <summary>The number of dimensions (the length of the codes <see cref="Screen"/> fills).</summary>
    public int DimensionCount => _derivations.Length;

    /// <summary>
    /// The fast path for <paramref name="dataset"/>'s record, or null when the record uses something only the general
    /// path reads (a value list or pattern on a date or number field, a condition with values on a list field).
    /// "Today", for the not-in-future rule, is taken once, now: one validator serves one run.
    /// </summary>
    public static SpanRecordValidator? TryCompile(DatasetDefinition dataset, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Record is not { } record
            || record.Fields.Any(f => f.Kind is RecordFieldKind.Date or RecordFieldKind.Number && (f.Values is not null || f.Pattern is not null)))
        {
            return null;
        }

        var derivations = new CompiledDerivation[record.Derivations.Count];
        for (var d = 0; d < derivations.Length; d++)
        {
            if (CompiledDerivation.TryCompile(record.Derivations[d]) is not { } derivation)
            {
                return null;
            }

            derivations[d] = derivation;
        }

        return new SpanRecordValidator(dataset, record, derivations, DateOnly.FromDateTime(timeProvider.GetLocalNow().DateTime));
    }

    /// <summary>The row's record id, trimmed (empty when blank).</summary>
    public ReadOnlySpan<char> RecordId(IRecordSpanCursor row) => row.Value(_recordId.Index).Trim();

    /// <summary>
    /// Judges the current row: accepted (with its reference year and each dimension's code index in
    /// <paramref name="codes"/>), out of scope, or <see cref="SpanVerdict.General"/>.
    /// </summary>
    public SpanVerdict Screen(IRecordSpanCursor row, Span<int> codes, out int referenceYear)
    {
        referenceYear = 0;
        if (!row.IsWellFormed || !ReadTypedFields(row) || RecordId(row).IsEmpty)
        {
            return SpanVerdict.General;
        }

        if (_scopeField is { } scopeField)
        {
            var value = row.Value(scopeField.Index).Trim();
            if (value.IsEmpty || !_scope.TryGetValue(value, out var counted))
            {
                return SpanVerdict.General;
            }

            if (!counted)
            {
                return SpanVerdict.OutOfScope;
            }
        }

        foreach (var check in _checks)
        {
            if (!check.Passes(row, _hasDate, _dates, _today))
            {
                return SpanVerdict.General;
            }
        }

        if (!_hasDate[_period.Index])
        {
            return SpanVerdict.General;
        }

        for (var d = 0; d < _derivations.Length; d++)
        {
            var code = _derivations[d].Derive(row, _dates, _hasDate, _numbers, _hasNumber);
            if (code < 0)
            {
                return SpanVerdict.General;
            }

            codes[d] = code;
        }

        referenceYear = _periodType.YearOf(_dates[_period.Index]);
        return SpanVerdict.Accepted;
    }

    // Parses every date and number field; false when one does not parse (the general path says which).
    private bool ReadTypedFields(IRecordSpanCursor row)
    {
        foreach (var field in _typedFields)
        {
            var text = row.Value(field.Index).Trim();
            if (field.Kind == RecordFieldKind.Date)
            {
                _hasDate[field.Index] = !text.IsEmpty;
                if (!text.IsEmpty && !TryParseDate(text, out _dates[field.Index]))
                {
                    return false;
                }
            }
            else
            {
                _hasNumber[field.Index] = !text.IsEmpty;
                if (!text.IsEmpty && !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _numbers[field.Index]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A date in <see cref="DatasetRecord.DateFormat"/> form, as DateOnly.TryParseExact reads it: the plain form
    /// (yyyy-MM-dd, ASCII digits) is read directly, anything else by TryParseExact itself.
    /// </summary>
    internal static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        if (text.Length == 10 && text[4] == '-' && text[7] == '-'
            && TryDigits(text[..4], out var year) && TryDigits(text.Slice(5, 2), out var month) && TryDigits(text.Slice(8, 2), out var day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            date = new DateOnly(year, month, day);
            return true;
        }

        return DateOnly.TryParseExact(text, DatasetRecord.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>The non-blank, trimmed values of a field's text: a list field's split by the row's separator, another's the text itself.</summary>
    internal ref struct Values(ReadOnlySpan<char> text, bool isList, char separator)
    {
        private ReadOnlySpan<char> _rest = text;
        private bool _done;

        public ReadOnlySpan<char> Current { get; private set; }

        public readonly Values GetEnumerator() => this;

        public bool MoveNext()
        {
            while (!_done)
            {
                ReadOnlySpan<char> value;
                var next = isList ? _rest.IndexOf(separator) : -1;
                if (next < 0)
                {
                    value = _rest;
                    _done = true;
                }
                else
                {
                    value = _rest[..next];
                    _rest = _rest[(next + 1)..];
                }

                value = value.Trim();
                if (!value.IsEmpty)
                {
                    Current = value;
                    return true;
                }
            }

            return false;
        }

        public static Values Of(IRecordSpanCursor row, RecordField field) =>
            new(row.Value(field.Index), field.Kind == RecordFieldKind.List, row.ListSeparator);
    }

    // The general path's Check of one field, for a valid row: required, known values, pattern, not in the future.
    private sealed class FieldCheck
    {
        private readonly RecordField _field;
        private readonly SpanKeyTable<bool>? _known;
        private readonly PatternVerdicts? _pattern;

        public FieldCheck(RecordField field)
        {
            _field = field;
            _known = field.Values is null ? null : new SpanKeyTable<bool>(field.Values.Select(v => KeyValuePair.Create(v, true)));
            _pattern = field.Pattern is null ? null : new PatternVerdicts(field.Pattern);
        }

        public bool Passes(IRecordSpanCursor row, bool[] hasDate, DateOnly[] dates, DateOnly today)
        {
            if (_field.NotInFuture && hasDate[_field.Index] && dates[_field.Index] > today)
            {
                return false;
            }

            var any = false;
            foreach (var value in Values.Of(row, _field))
            {
                any = true;
                if ((_known is { } known && !known.Contains(value)) || (_pattern is { } pattern && !pattern.IsMatch(value)))
                {
                    return false;
                }
            }

            return any || !_field.Required;
        }
    }
}

/// <summary>What the fast path decided for a row.</summary>
internal enum SpanVerdict
{
    /// <summary>Counted (its year and codes given).</summary>
    Accepted,

    /// <summary>Outside the record's scope.</summary>
    OutOfScope,

    /// <summary>Read the general way: it has a problem, or the fast path cannot judge it alone.</summary>
    General,
}

/// <summary>One dimension's derivation compiled to lookups keyed on spans and band tables: a code index, or -1 for a problem.</summary>
internal abstract class CompiledDerivation
{
    private readonly CompiledCondition[]? _when;
    private readonly int _otherwise;

    protected CompiledDerivation(Derivation derivation, CompiledCondition[]? when)
    {
        Dimension = derivation.Dimension;
        _when = when;
        _otherwise = derivation.Otherwise is { } otherwise ? CodeIndex(otherwise) : -1;
    }

    protected DimensionDefinition Dimension { get; }

    public static CompiledDerivation? TryCompile(Derivation derivation)
    {
        CompiledCondition[]? when = null;
        if (derivation.When is { } conditions)
        {
            when = new CompiledCondition[conditions.Count];
            for (var i = 0; i < when.Length; i++)
            {
                if (CompiledCondition.TryCompile(conditions[i]) is not { } condition)
                {
                    return null;
                }

                when[i] = condition;
            }
        }

        switch (derivation)
        {
            case CodeDerivation code:
                return new MappedCode(code, when);
            case AgeDerivation age:
                return new AgeBand(age, when);
            case DaysBetweenDerivation days:
                return new DaysBand(days, when);
            case NumberDerivation number:
                return new NumberBand(number, when);
            case RulesDerivation rules:
                var compiled = new CompiledCondition[rules.Rules.Count];
                for (var i = 0; i < compiled.Length; i++)
                {
                    if (CompiledCondition.TryCompile(rules.Rules[i].Condition) is not { } condition)
                    {
                        return null;
                    }

                    compiled[i] = condition;
                }

                return new FirstRule(rules, compiled);
            default:
                return null;
        }
    }

    public int Derive(IRecordSpanCursor row, DateOnly[] dates, bool[] hasDate, long[] numbers, bool[] hasNumber)
    {
        if (_when is { } when)
        {
            foreach (var condition in when)
            {
                if (!condition.Holds(row))
                {
                    return _otherwise;
                }
            }
        }

        return DeriveCode(row, dates, hasDate, numbers, hasNumber);
    }

    protected abstract int DeriveCode(IRecordSpanCursor row, DateOnly[] dates, bool[] hasDate, long[] numbers, bool[] hasNumber);

    protected int CodeIndex(string code)
    {
        for (var i = 0; i < Dimension.Codes.Count; i++)
        {
            if (Dimension.Codes[i].Code == code)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"'{code}' is not a code of dimension '{Dimension.Id}'.");
    }

    protected (long? Below, int Code)[] BandsOf(IReadOnlyList<Band> bands) => [.. bands.Select(b => (b.Below, CodeIndex(b.Code)))];

    protected static int BandOf((long? Below, int Code)[] bands, long value)
    {
        foreach (var (below, code) in bands)
        {
            if (below is not { } limit || value < limit)
            {
                return code;
            }
        }

        return bands[^1].Code;
    }

    private sealed class MappedCode : CompiledDerivation
    {
        private readonly RecordField _field;
        private readonly SpanKeyTable<int> _map;
        private readonly int _blank;
        private readonly int _several;

        public MappedCode(CodeDerivation code, CompiledCondition[]? when)
            : base(code, when)
        {
            _field = code.Field;
            _map = new SpanKeyTable<int>(code.Map.Select(m => KeyValuePair.Create(m.Key, CodeIndex(m.Value))));
            _blank = CodeIndex(code.Blank);
            _several = code.Several is { } several ? CodeIndex(several) : -1;
        }

        protected override int DeriveCode(IRecordSpanCursor row, DateOnly[] dates, bool[] hasDate, long[] numbers, bool[] hasNumber)
        {
            var found = -1;
            foreach (var value in SpanRecordValidator.Values.Of(row, _field))
            {
                if (!_map.TryGetValue(value, out var code))
                {
                    return -1;
                }

                // Once several, a list stays several (each remaining value is still checked to be known).
                found = found < 0 || found == code ? code : _several;
            }

            return found < 0 ? _blank : found;
        }
    }

    private sealed class AgeBand : CompiledDerivation
    {
        private readonly int _birthDate;
        private readonly int _onDate;
        private readonly int _maximumAge;
        private readonly (long? Below, int Code)[] _bands;
        private readonly int _blank;

        public AgeBand(AgeDerivation age, CompiledCondition[]? when)
            : base(age, when)
        {
            (_birthDate, _onDate, _maximumAge) = (age.BirthDate.Index, age.OnDate.Index, age.MaximumAge);
            _bands = BandsOf(age.Bands);
            _blank = CodeIndex(age.Blank);
        }

        protected override int DeriveCode(IRecordSpanCursor row, DateOnly[] dates, bool[] hasDate, long[] numbers, bool[] hasNumber)
        {
            if (!hasDate[_birthDate] || !hasDate[_onDate])
            {
                return _blank;
            }

            var (born, on) = (dates[_birthDate], dates[_onDate]);
            if (born > on)
            {
                return -1;
            }

            var years = RecordValidator.AgeInYears(born, on);
            return years > _maximumAge ? -1 : BandOf(_bands, years);
        }
    }

    private sealed class DaysBand : CompiledDerivation
    {
        private readonly int _from;
        private readonly int _to;
        private readonly (long? Below, int Code)[] _bands;
        private readonly int _blank;

        public DaysBand(DaysBetweenDerivation days, CompiledCondition[]? when)
            : base(days, when)
        {
            (_from, _to) = (days.From.Index, days.To.Index);
            _bands = BandsOf(days.Bands);
            _blank = CodeIndex(days.Blank);
        }

        protected override int DeriveCode(IRecordSpanCursor row, DateOnly[] dates, bool[] hasDate, long[] numbers, bool[] hasNumber)
        {
            if (!hasDate[_from] || !hasDate[_to])
            {
                return _blank;
            }

            var (from, to) = (dates[_from], dates[_to]);
            return from > to ? -1 : BandOf(_bands, to.DayNumber - from.DayNumber);
        }
    }

    private sealed class NumberBand : CompiledDerivation
    {
        private readonly int _field;
        private readonly (long? Below, int Code)[] _bands;
        private readonly int _blank;

        public NumberBand(NumberDerivation number, CompiledCondition[]? when)
            : base(number, when)
        {
            _field = number.Field.Index;
            _bands = BandsOf(number.Bands);
            _blank = CodeIndex(number.Blank);
        }

        protected override int DeriveCode(IRecordSpanCursor row, DateOnly[] dates, bool[] hasDate, long[] numbers, bool[] hasNumber) =>
            hasNumber[_field] ? BandOf(_bands, numbers[_field]) : _blank;
    }

    private sealed class FirstRule : CompiledDerivation
    {
        private readonly (CompiledCondition Condition, int Code)[] _rules;

        public FirstRule(RulesDerivation rules, CompiledCondition[] conditions)
            : base(rules, null)
        {
            _rules = [.. conditions.Select((c, i) => (c, CodeIndex(rules.Rules[i].Code)))];
        }

        protected override int DeriveCode(IRecordSpanCursor row, DateOnly[] dates, bool[] hasDate, long[] numbers, bool[] hasNumber)
        {
            foreach (var (condition, code) in _rules)
            {
                if (condition.Holds(row))
                {
                    return code;
                }
            }

            return _otherwise;
        }
    }
}
/// <summary>A <see cref="FieldCondition"/> over a row's spans.</summary>
internal sealed class CompiledCondition
{
    private readonly RecordField _field;
    private readonly SpanKeyTable<bool>? _in;
    private readonly string? _contains;

    private CompiledCondition(FieldCondition condition)
    {
        _field = condition.Field;
        _in = condition.In is { } values ? new SpanKeyTable<bool>(values.Select(v => KeyValuePair.Create(v, true))) : null;
        _contains = condition.Contains;
    }

    /// <summary>The condition compiled, or null when only the general path reads it (values of a list field joined as text).</summary>
    public static CompiledCondition? TryCompile(FieldCondition condition) =>
        condition.In is not null && condition.Field.Kind == RecordFieldKind.List ? null : new CompiledCondition(condition);

    public bool Holds(IRecordSpanCursor row)
    {
        if (_in is { } values)
        {
            var text = row.Value(_field.Index).Trim();
            return !text.IsEmpty && values.Contains(text);
        }

        foreach (var value in SpanRecordValidator.Values.Of(row, _field))
        {
            if (_contains is null || value.Equals(_contains, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// A lookup of a value from a span, keys compared case-insensitively (ordinal): a short list compared by length first
/// and then by text (catalogue code lists are short), a long one through a hash table.
/// </summary>
internal sealed class SpanKeyTable<TValue>
{
    private const int ShortList = 16;

    private readonly (string Key, TValue Value)[] _entries;
    private readonly Dictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>>? _hashed;

    /// <summary>The table of <paramref name="entries"/>; of keys equal but for case, the first is kept.</summary>
    public SpanKeyTable(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var table = new Dictionary<string, TValue>(StringComparer.OrdinalIgnoreCase);
        var ordered = new List<(string, TValue)>();
        foreach (var (key, value) in entries)
        {
            if (table.TryAdd(key, value))
            {
                ordered.Add((key, value));
            }
        }

        _entries = [.. ordered];
        _hashed = _entries.Length > ShortList ? table.GetAlternateLookup<ReadOnlySpan<char>>() : null;
    }

    public bool TryGetValue(ReadOnlySpan<char> key, out TValue value)
    {
        if (_hashed is { } hashed)
        {
            return hashed.TryGetValue(key, out value!);
        }

        foreach (var entry in _entries)
        {
            if (entry.Key.Length == key.Length && key.Equals(entry.Key, StringComparison.OrdinalIgnoreCase))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public bool Contains(ReadOnlySpan<char> key) => TryGetValue(key, out _);
}

/// <summary>
/// Whether values match a field's pattern, remembering the verdict for the first values seen (a field's values repeat:
/// country codes), so the regular expression runs once per distinct value.
/// </summary>
internal sealed class PatternVerdicts(Regex pattern)
{
    private const int Remembered = 4096;

    private readonly Dictionary<string, bool> _verdicts = new(StringComparer.Ordinal);

    public bool IsMatch(ReadOnlySpan<char> value)
    {
        var verdicts = _verdicts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (verdicts.TryGetValue(value, out var matches))
        {
            return matches;
        }

        matches = pattern.IsMatch(value);
        if (_verdicts.Count < Remembered)
        {
            verdicts.TryAdd(value, matches);
        }

        return matches;
    }
}
