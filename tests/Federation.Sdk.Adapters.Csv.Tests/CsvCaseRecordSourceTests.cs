using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Csv.Tests;

public class CsvCaseRecordSourceTests
{
    private const string Victim = "NS-1,Jane Doe,2004-05-17,2023-03-02,Feminine,SexualExploitation,NotIndigenous,CA,Citizen,IntimatePartner,ActualVictimOfTrafficking";

    private static async Task<List<SourceRow>> ReadAsync(string content, CsvCaseSourceOptions? options = null, bool byteOrderMark = false)
    {
        using var file = TempCsv.With(content, byteOrderMark);
        var rows = new List<SourceRow>();
        await foreach (var row in new CsvCaseRecordSource(file.Path, options).ReadAsync())
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Reads_every_field_of_a_record()
    {
        var row = Assert.Single(await ReadAsync($"{TempCsv.Header}\r\n{Victim}\r\n"));

        var record = Assert.IsType<CaseRecord>(row.Record);
        Assert.Null(row.Error);
        Assert.Equal("NS-1", record.CaseId);
        Assert.Equal("Jane Doe", record.PersonName);
        Assert.Equal(new DateOnly(2004, 5, 17), record.BirthDate);
        Assert.Equal(new DateOnly(2023, 3, 2), record.IdentificationDate);
        Assert.Equal("Feminine", record.Gender);
        Assert.Equal(["SexualExploitation"], record.TypesOfExploitation);
        Assert.Equal("NotIndigenous", record.IndigenousIdentity);
        Assert.Equal(["CA"], record.Citizenship);
        Assert.Equal("Citizen", record.ResidenceStatus);
        Assert.Equal("IntimatePartner", record.RelationshipToTrafficker);
        Assert.Equal("ActualVictimOfTrafficking", record.TraffickingStatus);
    }

    [Fact]
    public async Task Row_location_names_the_file_and_line()
    {
        var rows = await ReadAsync($"{TempCsv.Header}\n{Victim}\n\n{Victim.Replace("NS-1", "NS-2", StringComparison.Ordinal)}\n");

        Assert.Equal(2, rows.Count);
        Assert.EndsWith(".csv line 2", rows[0].Location, StringComparison.Ordinal);
        Assert.EndsWith(".csv line 4", rows[1].Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quoted_fields_keep_embedded_commas_quotes_and_line_breaks()
    {
        var rows = await ReadAsync(
            $"{TempCsv.Header}\r\n" +
            "NS-1,\"Doe, \"\"Janie\"\"\r\nJane\",,2023-03-02,Feminine,\"SexualExploitation;ForcedLabour\",,\"PH;CA\",,,PossibleVictimOfTrafficking\r\n" +
            Victim.Replace("NS-1", "NS-2", StringComparison.Ordinal));

        Assert.Equal(2, rows.Count);
        var record = rows[0].Record!;
        Assert.Equal("Doe, \"Janie\"\r\nJane", record.PersonName);
        Assert.Null(record.BirthDate);
        Assert.Equal(["SexualExploitation", "ForcedLabour"], record.TypesOfExploitation);
        Assert.Equal(["PH", "CA"], record.Citizenship);
        Assert.EndsWith("line 4", rows[1].Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Byte_order_mark_is_ignored()
    {
        var row = Assert.Single(await ReadAsync($"{TempCsv.Header}\n{Victim}\n", byteOrderMark: true));

        Assert.Equal("NS-1", row.Record!.CaseId);
    }

    [Fact]
    public async Task Custom_column_names_and_delimiter_are_honoured()
    {
        var options = new CsvCaseSourceOptions
        {
            Delimiter = '\t',
            ListSeparator = '|',
            Columns = new CaseColumnNames { CaseId = "CaseNumber", IdentificationDate = "DateIdentified", ExploitationTypes = "Exploitation" },
        };
        var header = TempCsv.Header.Replace("case_id", "CaseNumber", StringComparison.Ordinal)
            .Replace("identification_date", "DateIdentified", StringComparison.Ordinal)
            .Replace("exploitation_types", "Exploitation", StringComparison.Ordinal)
            .Replace(',', '\t');
        var line = Victim.Replace("SexualExploitation", "SexualExploitation|ForcedLabour", StringComparison.Ordinal).Replace(',', '\t');

        var record = Assert.Single(await ReadAsync($"{header}\n{line}\n", options)).Record!;

        Assert.Equal("NS-1", record.CaseId);
        Assert.Equal(new DateOnly(2023, 3, 2), record.IdentificationDate);
        Assert.Equal(["SexualExploitation", "ForcedLabour"], record.TypesOfExploitation);
    }

    [Fact]
    public async Task Missing_required_column_is_an_error_naming_it()
    {
        var header = TempCsv.Header.Replace(",gender", string.Empty, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync($"{header}\n"));

        Assert.Contains("'gender'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Person_name_column_is_optional()
    {
        var header = TempCsv.Header.Replace("person_name,", string.Empty, StringComparison.Ordinal);
        var line = Victim.Replace("Jane Doe,", string.Empty, StringComparison.Ordinal);

        var record = Assert.Single(await ReadAsync($"{header}\n{line}\n")).Record!;

        Assert.Null(record.PersonName);
        Assert.Equal("NS-1", record.CaseId);
    }

    [Fact]
    public async Task Empty_file_is_an_error() =>
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(string.Empty));

    [Fact]
    public async Task Unparseable_date_gives_a_row_error_naming_the_column_not_the_value()
    {
        var row = Assert.Single(await ReadAsync($"{TempCsv.Header}\n{Victim.Replace("2004-05-17", "2004-02-30", StringComparison.Ordinal)}\n"));

        Assert.Null(row.Record);
        Assert.Equal("birth_date is not a date in yyyy-MM-dd form", row.Error);
    }

    [Fact]
    public async Task A_renamed_column_is_named_as_in_the_export_and_as_the_sdk_knows_it()
    {
        var options = new CsvCaseSourceOptions { Columns = new CaseColumnNames { BirthDate = "Born" } };
        var header = TempCsv.Header.Replace("birth_date", "Born", StringComparison.Ordinal);

        var row = Assert.Single(await ReadAsync($"{header}\n{Victim.Replace("2004-05-17", "17/05/2004", StringComparison.Ordinal)}\n", options));

        Assert.Equal("Born (BirthDate) is not a date in yyyy-MM-dd form", row.Error);
    }

    [Fact]
    public async Task Wrong_field_count_gives_a_row_error_and_reading_goes_on()
    {
        var rows = await ReadAsync($"{TempCsv.Header}\nNS-1,too,few\n{Victim.Replace("NS-1", "NS-2", StringComparison.Ordinal)}\n");

        Assert.Equal("the row has 3 fields but the header has 11", rows[0].Error);
        Assert.Equal("NS-2", rows[1].Record!.CaseId);
    }

    [Fact]
    public async Task Stray_quote_gives_a_row_error()
    {
        var row = Assert.Single(await ReadAsync($"{TempCsv.Header}\n{Victim.Replace("Jane Doe", "Jane \"JD\" Doe", StringComparison.Ordinal)}\n"));

        Assert.Contains("quote", row.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unterminated_quote_gives_a_row_error()
    {
        var row = Assert.Single(await ReadAsync($"{TempCsv.Header}\nNS-1,\"Jane Doe,2004-05-17\n"));

        Assert.Contains("not closed", row.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var file = TempCsv.With($"{TempCsv.Header}\n{Victim}\n{Victim.Replace("NS-1", "NS-2", StringComparison.Ordinal)}\n");
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var row in new CsvCaseRecordSource(file.Path).ReadAsync(cancellation.Token))
            {
                read++;
                await cancellation.CancelAsync();
            }
        });
        Assert.Equal(1, read);
    }
}
