using Federation.Sdk.Records;

namespace Federation.Sdk.Validation;

/// <summary>
/// Checks one case record and derives its codes: identification date present and not in the future, birth date
/// plausible, every coded value known. All problems of a record are reported together, each naming the field and the
/// rule it breaks, never the field's value: a reason is printed and logged, and the record's location identifies it.
/// </summary>
public sealed class CaseRecordValidator
{
    /// <summary>The oldest age accepted; an older one is taken to be a data-entry error.</summary>
    public const int MaximumAge = 120;

    private readonly HtcdsCodeMapper _mapper;
    private readonly TimeProvider _timeProvider;

    public CaseRecordValidator(HtcdsCodeMapper mapper, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _mapper = mapper;
        _timeProvider = timeProvider;
    }

    public RecordVerdict Validate(CaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(record.CaseId))
        {
            problems.Add($"{nameof(CaseRecord.CaseId)} is missing");
        }

        var isVictim = HtcdsCodeMapper.IsVictim(record.TraffickingStatus, out var statusProblem);
        if (isVictim == false && problems.Count == 0)
        {
            return new RecordVerdict.OutOfScope();
        }

        if (statusProblem is not null)
        {
            problems.Add(statusProblem);
        }

        var age = CheckDates(record, problems);
        var mapping = _mapper.Map(record, age);
        problems.AddRange(mapping.Problems);
        if (problems.Count > 0)
        {
            return new RecordVerdict.Quarantined(string.Join("; ", problems));
        }

        return new RecordVerdict.Accepted(record.IdentificationDate!.Value.Year, mapping.Codes);
    }

    /// <summary>Whole years from <paramref name="birthDate"/> to <paramref name="onDate"/>.</summary>
    public static int AgeInYears(DateOnly birthDate, DateOnly onDate)
    {
        var age = onDate.Year - birthDate.Year;
        return (onDate.Month, onDate.Day).CompareTo((birthDate.Month, birthDate.Day)) < 0 ? age - 1 : age;
    }

    // Returns the age when identified when both dates are present and plausible.
    private int? CheckDates(CaseRecord record, List<string> problems)
    {
        if (record.IdentificationDate is not { } identified)
        {
            problems.Add($"{nameof(CaseRecord.IdentificationDate)} is missing");
            return null;
        }

        var today = DateOnly.FromDateTime(_timeProvider.GetLocalNow().DateTime);
        if (identified > today)
        {
            problems.Add($"{nameof(CaseRecord.IdentificationDate)} is in the future (today is {today:yyyy-MM-dd})");
        }

        if (record.BirthDate is not { } born)
        {
            return null;
        }

        if (born > identified)
        {
            problems.Add($"{nameof(CaseRecord.BirthDate)} is after {nameof(CaseRecord.IdentificationDate)}");
            return null;
        }

        var age = AgeInYears(born, identified);
        if (age > MaximumAge)
        {
            problems.Add($"{nameof(CaseRecord.BirthDate)} gives an age over {MaximumAge} when identified");
            return null;
        }

        return age;
    }
}
