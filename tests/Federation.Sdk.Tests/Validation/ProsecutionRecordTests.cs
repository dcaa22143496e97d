using Federation.Sdk.Catalog;
using Federation.Sdk.Records;
using Federation.Sdk.Validation;

namespace Federation.Sdk.Tests.Validation;

/// <summary>trafficking.prosecutions.v1 through the generic validator: its fields, bands and fiscal year come from the catalogue.</summary>
public class ProsecutionRecordTests
{
    private static readonly DatasetDefinition s_dataset = DatasetCatalog.Default.Get("trafficking.prosecutions.v1");
    private static readonly RecordValidator s_validator = new(s_dataset, new FixedTimeProvider(new DateTimeOffset(2025, 6, 30, 12, 0, 0, TimeSpan.Zero)));

    private static DatasetRecord Case(params (string Field, string Value)[] changes)
    {
        var record = new DatasetRecord(s_dataset.Record!)
            .Set("case_id", "ON-1")
            .Set("decision_date", "2024-02-10")
            .Set("first_appearance_date", "2023-01-05")
            .Set("decision", "GUILTY")
            .Set("most_serious_offence", "CC_279_01")
            .Set("sentence", "CUSTODY")
            .Set("custody_days", "400")
            .Set("accused_gender", "MAN")
            .Set("accused_birth_date", "2000-05-01");
        foreach (var (field, value) in changes)
        {
            record.Set(field, value);
        }

        return record;
    }

    private static RecordVerdict.Accepted Accepted(DatasetRecord record) =>
        Assert.IsType<RecordVerdict.Accepted>(s_validator.Validate(record));

    private static string Code(RecordVerdict.Accepted accepted, string dimension)
    {
        var index = s_dataset.Dimensions.ToList().FindIndex(d => d.Id == dimension);
        return s_dataset.Dimensions[index].Codes[accepted.CodeIndexes[index]].Code;
    }

    private static string Reason(DatasetRecord record) => Assert.IsType<RecordVerdict.Quarantined>(s_validator.Validate(record)).Reason;

    [Fact]
    public void A_guilty_custody_case_gets_its_codes_from_the_catalogue_derivations()
    {
        var accepted = Accepted(Case());

        Assert.Equal(
            ["GUILTY", "CC_279_01", "CUSTODY", "MONTHS_6_TO_UNDER_2_YEARS", "DAYS_366_TO_730", "MAN", "AGE_18_24"],
            s_dataset.Dimensions.Select(d => Code(accepted, d.Id)));
    }

    [Theory]
    [InlineData("2024-02-10", 2023)]
    [InlineData("2024-03-31", 2023)]
    [InlineData("2024-04-01", 2024)]
    public void A_case_counts_in_the_fiscal_year_of_its_decision(string decided, int fiscalYear) =>
        Assert.Equal(fiscalYear, Accepted(Case(("decision_date", decided))).ReferenceYear);

    [Fact]
    public void A_case_without_a_guilty_decision_has_no_sentence_and_no_custody()
    {
        var accepted = Accepted(Case(("decision", "STAYED_WITHDRAWN")));

        Assert.Equal(("NOT_GUILTY", "NOT_CUSTODY"), (Code(accepted, "sentence"), Code(accepted, "custody_length")));
    }

    [Theory]
    [InlineData("2024-01-01", "UP_TO_120_DAYS")]
    [InlineData("2023-10-13", "UP_TO_120_DAYS")]
    [InlineData("2023-10-12", "DAYS_121_TO_365")]
    [InlineData("2021-01-01", "OVER_730_DAYS")]
    [InlineData("", "UNKNOWN")]
    public void Processing_time_is_the_band_of_the_days_from_first_appearance_to_decision(string firstAppearance, string code) =>
        Assert.Equal(code, Code(Accepted(Case(("first_appearance_date", firstAppearance))), "processing_time"));

    [Theory]
    [InlineData("decision", "", "Decision is missing")]
    [InlineData("decision", "CONVICTED", "Decision is not a known value (expected one of GUILTY, STAYED_WITHDRAWN, ACQUITTED, OTHER)")]
    [InlineData("decision_date", "10/02/2024", "DecisionDate is not a date in yyyy-MM-dd form")]
    [InlineData("decision_date", "2025-07-01", "DecisionDate is in the future (today is 2025-06-30)")]
    [InlineData("first_appearance_date", "2024-03-01", "FirstAppearanceDate is after DecisionDate")]
    [InlineData("custody_days", "two years", "CustodyDays is not a whole number of 0 or more")]
    [InlineData("accused_birth_date", "1900-01-01", "AccusedBirthDate gives an age over 110 on DecisionDate")]
    public void An_invalid_value_is_quarantined_naming_the_field_never_the_value(string field, string value, string reason)
    {
        var problem = Reason(Case((field, value)));

        Assert.Equal(reason, problem);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, problem, StringComparison.Ordinal);
        }
    }
}
