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

    /// <summary>The StatCan symbol for a value: the number, ".." when not available, "F" when too unreliable to publish.</summary>
    public static string FormatValue(QueryRow row) => row.Status switch
    {
        CellStatus.NotAvailable => "..",
        CellStatus.TooUnreliable => "F",
        CellStatus.UseWithCaution => row.Value.ToString("N0", CultureInfo.InvariantCulture) + " E",
        _ => row.Value.ToString("N0", CultureInfo.InvariantCulture),
    };

    /// <summary>The 95% margin of error as "±14", or "" when there is none.</summary>
    public static string FormatMargin(QueryRow row) =>
        row.Status == CellStatus.NotAvailable || row.Margin <= 0 ? string.Empty : "±" + row.Margin.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The StatCan symbol of a status ("" when the value is fine).</summary>
    public static string Symbol(CellStatus status) => status switch
    {
        CellStatus.NotAvailable => "..",
        CellStatus.UseWithCaution => "E",
        CellStatus.TooUnreliable => "F",
        _ => string.Empty,
    };

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
        headers.Add("95% margin");
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
            cells.Add(FormatMargin(row));
            if (!byJurisdiction)
            {
                cells.Add($"{row.ContributingJurisdictions.Count}/{expectedJurisdictions}");
                cells.Add(row.MissingJurisdictions.Count == 0 ? "-" : string.Join(" ", row.MissingJurisdictions));
            }

            table.AddRow([.. cells]);
        }

        table.Write(writer);
        writer.WriteLine($"(from table {response.TableId}; values are protected by the dataset's policy, the true figure is within the 95% margin 19 times in 20;");
        writer.WriteLine(" \"..\" = not available, \"E\" = use with caution, \"F\" = too unreliable to be published)");
    }

    private static void WriteCsv(QueryResponse response, TextWriter writer)
    {
        writer.WriteLine(string.Join(',', new[] { "reference_year", "jurisdiction" }.Concat(response.GroupBy).Concat(["value", "status", "contributing_jurisdictions", "missing_jurisdictions", "variance", "margin_95"])));
        foreach (var row in response.Rows)
        {
            writer.WriteLine(string.Join(',', new[] { row.ReferenceYear.ToString(CultureInfo.InvariantCulture), row.Jurisdiction }
                .Concat(row.Codes)
                .Concat([
                    row.Status == CellStatus.NotAvailable ? string.Empty : row.Value.ToString(CultureInfo.InvariantCulture),
                    Symbol(row.Status) is { Length: > 0 } symbol ? symbol : "A",
                    string.Join(' ', row.ContributingJurisdictions),
                    string.Join(' ', row.MissingJurisdictions),
                    row.Status == CellStatus.NotAvailable ? string.Empty : row.Variance.ToString("R", CultureInfo.InvariantCulture),
                    row.Status == CellStatus.NotAvailable ? string.Empty : row.Margin.ToString("0.##", CultureInfo.InvariantCulture),
                ])));
        }
    }
}
