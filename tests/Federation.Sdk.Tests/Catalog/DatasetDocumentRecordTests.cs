using System.Text;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Tests.Catalog;

/// <summary>The catalogue's record section and period type: read from the dataset document, refused precisely when wrong.</summary>
public class DatasetDocumentRecordTests
{
    private static string Document(string record, string periodType = "\"fiscal-year\"") => $$"""
        {
          "id": "test.v1", "title": "t", "description": "d", "unit": "u", "referencePeriod": "p", "periodType": {{periodType}},
          "record": {{record}},
          "jurisdictions": [ "NS" ],
          "dimensions": [ { "id": "kind", "title": "Kind", "codes": [ { "code": "A", "label": "A" }, { "code": "UNKNOWN", "label": "?" } ] } ],
          "tables": [ { "id": "T0", "title": "Total", "dimensions": [] }, { "id": "T1", "title": "Kind", "dimensions": [ "kind" ] } ],
          "protection": { "tables": { "T0": { "mechanism": "random-rounding", "roundingBase": 3 }, "T1": { "mechanism": "random-rounding", "roundingBase": 3 } } },
          "publicationCalendar": { "editions": [ { "monthsAfterYearEnd": 3 } ] }
        }
        """;

    private const string ValidRecord = """
        { "recordId": "id", "period": "day",
          "fields": [ { "id": "id", "kind": "text" }, { "id": "day", "kind": "date", "required": true }, { "id": "kind", "kind": "text" } ],
          "derivations": [ { "dimension": "kind", "field": "kind", "blank": "UNKNOWN" } ] }
        """;

    private static DatasetDefinition Parse(string json) => DatasetDocument.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");

    [Fact]
    public void A_fiscal_year_dataset_names_its_years_and_dates_its_editions_from_1_april()
    {
        var dataset = Parse(Document(ValidRecord));

        Assert.Same(ReferencePeriodType.FiscalYear, dataset.PeriodType);
        Assert.Equal("2023/24", dataset.YearLabel(2023));
        Assert.Equal("1999/00", dataset.YearLabel(1999));
        Assert.Equal(new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero), dataset.Calendar.DueAt(2023, 1));
        Assert.Equal("fiscal-year", dataset.ToContract().PeriodType);
    }

    [Fact]
    public void The_embedded_datasets_state_their_period_type_and_unit_of_privacy()
    {
        var victims = DatasetCatalog.Default.Get("trafficking.victims.v1");
        var prosecutions = DatasetCatalog.Default.Get("trafficking.prosecutions.v1");

        Assert.Equal(("2023", "2023/24"), (victims.YearLabel(2023), prosecutions.YearLabel(2023)));
        Assert.Equal("one completed court case", prosecutions.UnitOfPrivacy);
        Assert.Equal(prosecutions.Dimensions.Select(d => d.Id), prosecutions.Record!.Derivations.Select(d => d.Dimension.Id));
    }

    [Theory]
    [InlineData("\"quarterly\"", "periodType 'quarterly' is unknown; use calendar-year or fiscal-year.")]
    public void An_unknown_period_type_is_refused(string periodType, string message) =>
        Assert.Equal($"test.json: {message}", Assert.Throws<InvalidDataException>(() => Parse(Document(ValidRecord, periodType))).Message);

    [Theory]
    [InlineData("\"derivations\": [ { \"dimension\": \"kind\", \"field\": \"kind\", \"blank\": \"UNKNOWN\" } ]", "\"derivations\": []",
        "record.derivations has no derivation for dimension 'kind'")]
    [InlineData("\"blank\": \"UNKNOWN\"", "\"blank\": \"MAYBE\"",
        "record.derivations[0] gives code 'MAYBE', which is not a code of dimension 'kind'.")]
    [InlineData("\"field\": \"kind\"", "\"age\": { \"birthDate\": \"kind\", \"onDate\": \"day\" }, \"bands\": [ { \"code\": \"A\" } ]",
        "record.derivations[0].age.birthDate names field 'kind', which is text; it must be date.")]
    [InlineData("\"period\": \"day\"", "\"period\": \"when\"", "record.period must name a field of record.fields (id, day, kind); it is 'when'.")]
    [InlineData("\"kind\": \"date\"", "\"kind\": \"time\"", "record.fields[1].kind must be text, list, date or number; it is 'time'.")]
    [InlineData("\"dimension\": \"kind\"", "\"dimension\": \"colour\"", "record.derivations[0].dimension must name a dimension (kind); it is 'colour'.")]
    public void A_record_section_that_cannot_be_applied_is_refused_naming_the_setting(string valid, string broken, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(Document(ValidRecord.Replace(valid, broken, StringComparison.Ordinal))));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
