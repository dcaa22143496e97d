using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Records;
using Federation.Sdk.Tests.Pipeline;
using Federation.Sdk.Tests.Records;
using Federation.Sdk.Validation;

namespace Federation.Sdk.Tests.Validation;

public class QuarantineTests
{
    private static readonly FixedTimeProvider s_clock = new(new DateTimeOffset(2024, 6, 30, 12, 0, 0, TimeSpan.Zero));

    private static async Task<PipelineResult> RunAsync(params SourceRow[] rows)
    {
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        var pipeline = new StatisticsPipeline(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource(1)), s_clock);
        return await pipeline.RunAsync(new InMemoryCaseSource(rows), "NS", "node-ns");
    }

    private static async Task<QuarantinedRecord> QuarantinedAsync(CaseRecord record)
    {
        var result = await RunAsync(SourceRow.Read("memory row 1", record));
        Assert.Equal(0, result.RecordsAccepted);
        return Assert.Single(result.Quarantined);
    }

    [Fact]
    public async Task Missing_identification_date_is_quarantined()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { IdentificationDate = null });

        Assert.Equal("IdentificationDate is missing", quarantined.Reason);
        Assert.Equal("C-1", quarantined.CaseId);
        Assert.Equal("memory row 1", quarantined.Location);
    }

    [Fact]
    public async Task Identification_date_in_the_future_is_quarantined()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { IdentificationDate = new DateOnly(2024, 7, 1) });

        Assert.Contains("IdentificationDate is in the future (today is 2024-06-30)", quarantined.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identification_today_is_accepted()
    {
        var result = await RunAsync(SourceRow.Read("r", Cases.Victim() with { IdentificationDate = new DateOnly(2024, 6, 30) }));

        Assert.Equal(1, result.RecordsAccepted);
    }

    [Fact]
    public async Task Birth_date_after_identification_date_is_quarantined()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { BirthDate = new DateOnly(2023, 3, 2) });

        Assert.Contains("BirthDate is after IdentificationDate", quarantined.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Age_over_120_is_quarantined()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { BirthDate = new DateOnly(1902, 3, 1) });

        Assert.Contains("BirthDate gives an age over 120 on IdentificationDate", quarantined.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_gender_is_quarantined_not_mapped_to_unknown()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { Gender = "Fem" });

        Assert.StartsWith("Gender is not a known value (expected one of Feminine, ", quarantined.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_trafficking_status_is_quarantined()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { TraffickingStatus = "Suspected" });

        Assert.StartsWith("TraffickingStatus is not a known value", quarantined.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_case_id_is_quarantined()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { CaseId = " " });

        Assert.Equal("CaseId is missing", quarantined.Reason);
    }

    [Fact]
    public async Task All_problems_of_a_record_are_reported_together()
    {
        var quarantined = await QuarantinedAsync(Cases.Victim() with { Gender = "Fem", RelationshipToTrafficker = "Boss" });

        Assert.Contains("Gender is not a known value", quarantined.Reason, StringComparison.Ordinal);
        Assert.Contains("RelationshipToTrafficker is not a known value", quarantined.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_case_id_is_quarantined_and_the_first_is_kept()
    {
        var result = await RunAsync(
            SourceRow.Read("memory row 1", Cases.Victim("C-7")),
            SourceRow.Read("memory row 2", Cases.Victim("C-7")));

        Assert.Equal(1, result.RecordsAccepted);
        var quarantined = Assert.Single(result.Quarantined);
        Assert.Equal("memory row 2", quarantined.Location);
        Assert.Equal("duplicate CaseId (first seen at memory row 1)", quarantined.Reason);
    }

    [Fact]
    public async Task Unreadable_row_is_quarantined_with_the_source_error()
    {
        var result = await RunAsync(SourceRow.Unreadable("cases.csv line 12", "birth_date is not a date in yyyy-MM-dd form"));

        var quarantined = Assert.Single(result.Quarantined);
        Assert.Equal("cases.csv line 12", quarantined.Location);
        Assert.Null(quarantined.CaseId);
        Assert.Equal("unreadable row: birth_date is not a date in yyyy-MM-dd form", quarantined.Reason);
    }

    [Fact]
    public async Task No_reason_carries_a_value_of_the_record_only_fields_and_rules()
    {
        // Every field holds a value the SDK refuses, each distinctive enough to be found in a reason that quoted it.
        var result = await RunAsync(
            SourceRow.Read("memory row 1", Cases.Victim("SECRET-ID-1") with
            {
                PersonName = "Marie-Eve Tremblay",
                BirthDate = new DateOnly(2023, 9, 17),
                IdentificationDate = new DateOnly(2023, 3, 1),
                Gender = "Marie-Eve",
                TypesOfExploitation = ["Tremblay-Exploit"],
                IndigenousIdentity = "Quebec-City",
                Citizenship = ["Canada-Resident", "CA"],
                ResidenceStatus = "42 Rue Principale",
                RelationshipToTrafficker = "Jean-Paul Tremblay",
            }),
            SourceRow.Read("memory row 2", Cases.Victim("SECRET-ID-2") with { BirthDate = new DateOnly(1899, 12, 24), IdentificationDate = new DateOnly(2024, 8, 11) }),
            SourceRow.Read("memory row 3", Cases.Victim("SECRET-ID-2")),
            SourceRow.Read("memory row 4", Cases.Victim("SECRET-ID-3") with { TraffickingStatus = "Jean-Paul" }));

        Assert.Equal(4, result.Quarantined.Count);
        string[] values =
        [
            "SECRET-ID", "Marie-Eve", "Tremblay", "2023-09-17", "2023-03-01", "Quebec-City", "Canada-Resident", "Rue Principale",
            "Jean-Paul", "1899", "2024-08-11",
        ];
        foreach (var reason in result.Quarantined.Select(q => q.Reason))
        {
            Assert.All(values, value => Assert.DoesNotContain(value, reason, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Contains("BirthDate is after IdentificationDate", result.Quarantined[0].Reason, StringComparison.Ordinal);
        Assert.Contains("Citizenship has a value that is not an ISO 3166 alpha-2 country code", result.Quarantined[0].Reason, StringComparison.Ordinal);
        Assert.Contains("ResidenceStatus is not a known value", result.Quarantined[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_a_victim_is_out_of_scope_not_quarantined_nor_counted()
    {
        var result = await RunAsync(SourceRow.Read("r", Cases.Victim() with { TraffickingStatus = "NotAVictimOfTrafficking" }));

        Assert.Equal(1, result.RecordsOutOfScope);
        Assert.Equal(0, result.RecordsAccepted);
        Assert.Empty(result.Quarantined);
        Assert.Empty(result.Submissions);
    }

    [Fact]
    public async Task Every_row_read_is_accepted_quarantined_or_out_of_scope()
    {
        var result = await RunAsync(
            SourceRow.Read("1", Cases.Victim("A")),
            SourceRow.Read("2", Cases.Victim("B") with { Gender = "Fem" }),
            SourceRow.Read("3", Cases.Victim("C") with { TraffickingStatus = "NotAVictimOfTrafficking" }),
            SourceRow.Unreadable("4", "wrong number of fields"),
            SourceRow.Read("5", Cases.Victim("A")),
            SourceRow.Read("6", Cases.Victim("D") with { IdentificationDate = new DateOnly(2022, 1, 1) }));

        Assert.Equal(6, result.RecordsRead);
        Assert.Equal(2, result.RecordsAccepted);
        Assert.Equal(1, result.RecordsOutOfScope);
        Assert.Equal(3, result.Quarantined.Count);
        Assert.Equal(result.RecordsRead, result.RecordsAccepted + result.RecordsOutOfScope + result.Quarantined.Count);
    }

    [Theory]
    [InlineData(2000, 3, 1, 23)]
    [InlineData(2000, 3, 2, 22)]
    [InlineData(2000, 2, 29, 23)]
    [InlineData(2023, 3, 1, 0)]
    public void Age_is_whole_years_between_birth_and_identification(int year, int month, int day, int age) =>
        Assert.Equal(age, RecordValidator.AgeInYears(new DateOnly(year, month, day), new DateOnly(2023, 3, 1)));
}
