using Federation.Sdk.Catalog;
using Federation.Sdk.Records;

namespace Federation.Sdk.Validation;

/// <summary>
/// Checks one dataset record against its catalogue definition and derives its codes: required fields present, dates
/// readable and not in the future where the catalogue says so, values known, and every dimension's code derived.
/// All problems of a record are reported together, each naming the field and the rule it breaks, never the field's
/// value: a reason is printed and logged, and the record's location identifies it.
/// </summary>
public sealed class RecordValidator
{
    private readonly DatasetDefinition _dataset;
    private readonly RecordDefinition _record;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, int>[] _codeIndexes;
    private readonly Dictionary<string, string>?[] _maps;
    private readonly HashSet<string>?[] _fieldValues;

    public RecordValidator(DatasetDefinition dataset, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataset = dataset;
        _record = dataset.Record ?? throw new ArgumentException($"Dataset '{dataset.Id}' has no record definition: no node produces it from records.", nameof(dataset));
        _timeProvider = timeProvider;
        _codeIndexes = [.. dataset.Dimensions.Select(d => d.Codes.Select((c, i) => (c.Code, i)).ToDictionary(c => c.Code, c => c.i, StringComparer.Ordinal))];
        _maps = [.. _record.Derivations.Select(d => d is CodeDerivation code
            ? code.Map.DistinctBy(m => m.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(m => m.Key, m => m.Value, StringComparer.OrdinalIgnoreCase)
            : null)];
        _fieldValues = [.. _record.Fields.Select(f => f.Values is null ? null : new HashSet<string>(f.Values, StringComparer.OrdinalIgnoreCase))];
    }

    public DatasetDefinition Dataset => _dataset;

    public RecordVerdict Validate(DatasetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var problems = new List<string>();
        if (record.Text(_record.RecordId) is null)
        {
            problems.Add(Missing(_record.RecordId));
        }

        if (_record.Scope is { } scope)
        {
            var value = record.Text(scope.Field);
            if (value is not null && Contains(scope.Out, value))
            {
                if (problems.Count == 0)
                {
                    return new RecordVerdict.OutOfScope();
                }
            }
            else if (value is null)
            {
                problems.Add(Missing(scope.Field));
            }
            else if (!Contains(scope.In, value))
            {
                problems.Add(NotKnown(scope.Field, scope.KnownValues));
            }
        }

        var dates = new DateOnly?[_record.Fields.Count];
        var numbers = new long?[_record.Fields.Count];
        foreach (var field in _record.Fields)
        {
            if (field == _record.RecordId || field == _record.Scope?.Field)
            {
                continue;
            }

            Check(record, field, dates, numbers, problems);
        }

        if (!_record.Period.Required && record.Text(_record.Period) is null)
        {
            problems.Add(Missing(_record.Period));
        }

        var codes = new int[_record.Derivations.Count];
        for (var d = 0; d < codes.Length; d++)
        {
            var code = Derive(d, record, dates, numbers, problems);
            codes[d] = _codeIndexes[d][code];
        }

        return problems.Count > 0
            ? new RecordVerdict.Quarantined(string.Join("; ", problems))
            : new RecordVerdict.Accepted(_dataset.PeriodType.YearOf(dates[_record.Period.Index]!.Value), codes);
    }

    /// <summary>Whole years from <paramref name="birthDate"/> to <paramref name="onDate"/>.</summary>
    public static int AgeInYears(DateOnly birthDate, DateOnly onDate)
    {
        var age = onDate.Year - birthDate.Year;
        return (onDate.Month, onDate.Day).CompareTo((birthDate.Month, birthDate.Day)) < 0 ? age - 1 : age;
    }

    private void Check(DatasetRecord record, RecordField field, DateOnly?[] dates, long?[] numbers, List<string> problems)
    {
        switch (field.Kind)
        {
            case RecordFieldKind.Date:
                if (!record.TryGetDate(field, out var date))
                {
                    problems.Add($"{field.Name} is not a date in {DatasetRecord.DateFormat} form");
                    return;
                }

                if (date is { } day && field.NotInFuture)
                {
                    var today = DateOnly.FromDateTime(_timeProvider.GetLocalNow().DateTime);
                    if (day > today)
                    {
                        problems.Add($"{field.Name} is in the future (today is {today:yyyy-MM-dd})");
                    }
                }

                dates[field.Index] = date;
                break;
            case RecordFieldKind.Number when record.Text(field) is { } text:
                if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    problems.Add($"{field.Name} is not a whole number of 0 or more");
                    return;
                }

                numbers[field.Index] = number;
                break;
        }

        var values = record.List(field);
        if (values.Count == 0)
        {
            if (field.Required)
            {
                problems.Add(Missing(field));
            }

            return;
        }

        if (_fieldValues[field.Index] is { } known && values.Any(v => !known.Contains(v)))
        {
            problems.Add(NotKnown(field, field.Values!));
        }

        if (field.Pattern is { } pattern && values.Any(v => !pattern.IsMatch(v)))
        {
            problems.Add($"{field.Name} has a value that is not {field.PatternMeaning}");
        }
    }

    private string Derive(int d, DatasetRecord record, DateOnly?[] dates, long?[] numbers, List<string> problems)
    {
        var derivation = _record.Derivations[d];
        if (derivation.When is { } when && !when.All(condition => Holds(condition, record)))
        {
            return derivation.Otherwise!;
        }

        switch (derivation)
        {
            case CodeDerivation code when code.Field.Kind == RecordFieldKind.List:
                var found = new HashSet<string>(StringComparer.Ordinal);
                foreach (var value in record.List(code.Field))
                {
                    if (_maps[d]!.TryGetValue(value, out var mapped))
                    {
                        found.Add(mapped);
                    }
                    else
                    {
                        problems.Add(NotKnown(code.Field, code.Map.Select(m => m.Key)));
                    }
                }

                return found.Count switch
                {
                    0 => code.Blank,
                    1 => found.Single(),
                    _ => code.Several!,
                };
            case CodeDerivation code:
                if (record.Text(code.Field) is not { } text)
                {
                    return code.Blank;
                }

                if (_maps[d]!.TryGetValue(text, out var single))
                {
                    return single;
                }

                problems.Add(NotKnown(code.Field, code.Map.Select(m => m.Key)));
                return code.Blank;
            case AgeDerivation age:
                if (dates[age.BirthDate.Index] is not { } born || dates[age.OnDate.Index] is not { } on)
                {
                    return age.Blank;
                }

                if (born > on)
                {
                    problems.Add($"{age.BirthDate.Name} is after {age.OnDate.Name}");
                    return age.Blank;
                }

                var years = AgeInYears(born, on);
                if (years > age.MaximumAge)
                {
                    problems.Add($"{age.BirthDate.Name} gives an age over {age.MaximumAge} on {age.OnDate.Name}");
                    return age.Blank;
                }

                return BandOf(age.Bands, years);
            case DaysBetweenDerivation days:
                if (dates[days.From.Index] is not { } from || dates[days.To.Index] is not { } to)
                {
                    return days.Blank;
                }

                if (from > to)
                {
                    problems.Add($"{days.From.Name} is after {days.To.Name}");
                    return days.Blank;
                }

                return BandOf(days.Bands, to.DayNumber - from.DayNumber);
            case NumberDerivation number:
                return numbers[number.Field.Index] is { } n ? BandOf(number.Bands, n) : number.Blank;
            case RulesDerivation rules:
                foreach (var (condition, ruleCode) in rules.Rules)
                {
                    if (Holds(condition, record))
                    {
                        return ruleCode;
                    }
                }

                return rules.Otherwise!;
            default:
                throw new InvalidOperationException($"Unknown derivation {derivation.GetType().Name}.");
        }
    }

    private static bool Holds(FieldCondition condition, DatasetRecord record)
    {
        if (condition.In is { } values)
        {
            return record.Text(condition.Field) is { } text && Contains(values, text);
        }

        var list = record.List(condition.Field);
        return condition.Contains is { } wanted ? Contains(list, wanted) : list.Count > 0;
    }

    private static string BandOf(IReadOnlyList<Band> bands, long value)
    {
        foreach (var band in bands)
        {
            if (band.Below is not { } below || value < below)
            {
                return band.Code;
            }
        }

        return bands[^1].Code;
    }

    private static bool Contains(IEnumerable<string> values, string value) => values.Contains(value, StringComparer.OrdinalIgnoreCase);

    private static string Missing(RecordField field) => $"{field.Name} is missing";

    // The value itself is left out: a reason is printed and logged, and a mistyped field can hold anything.
    private static string NotKnown(RecordField field, IEnumerable<string> known) =>
        $"{field.Name} is not a known value (expected one of {string.Join(", ", known.Distinct(StringComparer.OrdinalIgnoreCase))})";
}
