using Federation.Cli.Output;
using Federation.Contracts.V1;

namespace Federation.Cli.Tests;

public sealed class QueryResultWriterTests
{
    private static QueryResponse Response() => new()
    {
        DatasetId = "trafficking.victims.v1",
        TableId = "T1",
        GroupBy = { "gender" },
        Rows =
        {
            new QueryRow
            {
                ReferenceYear = 2024, Codes = { "WOMAN_GIRL" }, Value = 1235, Status = CellStatus.Available,
                ContributingJurisdictions = { "NS", "ON" }, MissingJurisdictions = { "YT" }, Variance = 40, Margin = 12.396,
            },
            new QueryRow
            {
                ReferenceYear = 2024, Codes = { "MAN_BOY" }, Value = 3, Status = CellStatus.TooUnreliable,
                ContributingJurisdictions = { "NS", "ON" }, MissingJurisdictions = { "YT" }, Variance = 40, Margin = 12.396,
            },
            new QueryRow { ReferenceYear = 2025, Codes = { "WOMAN_GIRL" }, Status = CellStatus.NotAvailable, MissingJurisdictions = { "NS", "ON", "YT" } },
        },
    };

    [Fact]
    public void Csv_has_a_header_and_one_line_per_row_with_an_empty_value_when_not_available()
    {
        var writer = new StringWriter();

        QueryResultWriter.Write(Response(), OutputFormat.Csv, writer, expectedJurisdictions: 3);

        Assert.Equal(
            [
                "reference_year,jurisdiction,gender,value,status,contributing_jurisdictions,missing_jurisdictions,variance,margin_95",
                "2024,,WOMAN_GIRL,1235,A,NS ON,YT,40,12.4",
                "2024,,MAN_BOY,3,F,NS ON,YT,40,12.4",
                "2025,,WOMAN_GIRL,,..,,NS ON YT,,",
            ],
            writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_table_shows_margins_reporting_counts_and_the_statcan_symbols()
    {
        var writer = new StringWriter();

        QueryResultWriter.Write(Response(), OutputFormat.Table, writer, expectedJurisdictions: 3);

        var lines = writer.ToString().Split(Environment.NewLine);
        Assert.Contains(lines, l => l.StartsWith("2024  WOMAN_GIRL", StringComparison.Ordinal) && l.Contains("1,235  ±12         2/3", StringComparison.Ordinal) && l.EndsWith("YT", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2024  MAN_BOY     F      ±12", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2025", StringComparison.Ordinal) && l.Contains("..", StringComparison.Ordinal) && l.Contains("0/3", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_is_the_protobuf_json_form_and_parses_back()
    {
        var writer = new StringWriter();

        QueryResultWriter.Write(Response(), OutputFormat.Json, writer, expectedJurisdictions: 3);

        Assert.Equal(Response(), QueryResponse.Parser.ParseJson(writer.ToString()));
    }
}
