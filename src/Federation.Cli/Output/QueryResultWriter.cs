using System.Globalization;
using Federation.Contracts.V1;
using Google.Protobuf;

namespace Federation.Cli.Output;

/// <summary>Prints a query answer as an aligned table, CSV or JSON (protobuf JSON form).</summary>
internal static class QueryResultWriter
{
    public static void Write(QueryResponse response, OutputFormat format, TextWriter writer, int expectedJurisdictions)
    {
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(new JsonFormatter(JsonFormatter.Settings.Default.WithFormatDefaultValues(true)).Format(response));
                return;
            case OutputFormat.Csv:
                WriteCsv(response, writer);
                return;
            default:
                WriteTable(response, writer, expectedJurisdictions);
                return;
        }
    }

    /// <summary>The StatCan symbol for a value: the number, or ".." when not available.</summary>
    public static string FormatValue(QueryRow row) =>
        row.Status == CellStatus.NotAvailable ? ".." : row.Value.ToString("N0", CultureInfo.InvariantCulture);

    private static void WriteTable(QueryResponse response, TextWriter writer, int expectedJurisdictions)
    {
        var byJurisdiction = response.Rows.Any(r => r.Jurisdiction.Length > 0);
        var headers = new List<string> { "year" };
        if (byJurisdiction)
        {
            headers.Add("jurisdiction");
        }

        headers.AddRange(response.GroupBy);
        headers.Add("value");
        if (!byJurisdiction)
        {
            headers.Add("reporting");
            headers.Add("not reported");
        }

        var table = new TextTable([.. headers]);
        foreach (var row in response.Rows)
        {
            var cells = new List<string> { row.ReferenceYear.ToString(CultureInfo.InvariantCulture) };
            if (byJurisdiction)
            {
                cells.Add(row.Jurisdiction);
            }

            cells.AddRange(row.Codes);
            cells.Add(FormatValue(row));
            if (!byJurisdiction)
            {
                cells.Add($"{row.ContributingJurisdictions.Count}/{expectedJurisdictions}");
                cells.Add(row.MissingJurisdictions.Count == 0 ? "-" : string.Join(" ", row.MissingJurisdictions));
            }

            table.AddRow([.. cells]);
        }

        table.Write(writer);
        writer.WriteLine($"(from table {response.TableId}; values are protected by the dataset's policy; \"..\" = not available)");
    }

    private static void WriteCsv(QueryResponse response, TextWriter writer)
    {
        writer.WriteLine(string.Join(',', new[] { "reference_year", "jurisdiction" }.Concat(response.GroupBy).Concat(["value", "status", "contributing_jurisdictions", "missing_jurisdictions"])));
        foreach (var row in response.Rows)
        {
            writer.WriteLine(string.Join(',', new[] { row.ReferenceYear.ToString(CultureInfo.InvariantCulture), row.Jurisdiction }
                .Concat(row.Codes)
                .Concat([
                    row.Status == CellStatus.NotAvailable ? string.Empty : row.Value.ToString(CultureInfo.InvariantCulture),
                    row.Status == CellStatus.NotAvailable ? ".." : "A",
                    string.Join(' ', row.ContributingJurisdictions),
                    string.Join(' ', row.MissingJurisdictions),
                ])));
        }
    }
}
