using Federation.Sdk.Catalog;
using Federation.Sdk.Records;
using Federation.Sdk.Validation;

namespace Federation.Sdk.Tests.Records;

/// <summary>What the catalogue's victims record definition derives from a case record, through the generic validator.</summary>
internal static class VictimCodes
{
    public static readonly DatasetDefinition Dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");

    private static readonly RecordValidator s_validator = new(Dataset, TimeProvider.System);

    /// <summary>
    /// The codes (dimension id to code) and problems of <paramref name="record"/>, its birth date set so the person is
    /// <paramref name="age"/> when identified (no birth date when null).
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Codes, IReadOnlyList<string> Problems) Map(CaseRecord record, int? age)
    {
        var aged = record with { BirthDate = age is { } years ? record.IdentificationDate!.Value.AddYears(-years) : null };
        return s_validator.Validate(HtcdsCaseRecordFields.ToRecord(Dataset.Record!, aged)) switch
        {
            RecordVerdict.Accepted accepted => (
                Dataset.Dimensions.Select((d, i) => (d.Id, d.Codes[accepted.CodeIndexes[i]].Code)).ToDictionary(c => c.Id, c => c.Code),
                []),
            RecordVerdict.Quarantined quarantined => (new Dictionary<string, string>(), quarantined.Reason.Split("; ")),
            var other => throw new InvalidOperationException($"Unexpected verdict {other}."),
        };
    }
}
