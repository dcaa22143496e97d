using System.Globalization;
using System.Text;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;

namespace Federation.Cli.Report;

/// <summary>
/// The data of every chart and table as CSV (RFC 4180, invariant numbers, codes rather than labels), one file each,
/// shared by both languages. F and .. cells have an empty value and margin, as the pages show no number for them.
/// </summary>
internal static class ReportCsv
{
    private static readonly string[] s_figure = ["value", "status", "margin_95"];

    /// <summary>Every data file of the report: its path under the report's folder and its content.</summary>
    public static IEnumerable<(string File, string Content)> Files(ReportData report)
    {
        foreach (var dataset in report.Datasets)
        {
            var id = dataset.Definition.Id;
            yield return (ReportFiles.National(id), Csv(
                ["reference_year", .. s_figure, "contributing_jurisdictions", "missing_jurisdictions"],
                dataset.National.Rows.Select(r => (string[])[Year(r.ReferenceYear), .. Figure(r), string.Join(' ', r.ContributingJurisdictions), string.Join(' ', r.MissingJurisdictions)])));
            yield return (ReportFiles.ByJurisdiction(id), Csv(
                ["reference_year", "jurisdiction", .. s_figure, "reported"],
                dataset.ByJurisdiction.Rows.Select(r => (string[])[Year(r.ReferenceYear), r.Jurisdiction, .. Figure(r), r.ContributingJurisdictions.Count > 0 ? "yes" : "no"])));
            foreach (var breakdown in dataset.Breakdowns)
            {
                yield return (ReportFiles.Breakdown(id, breakdown.Dimension.Id, report.Year), Csv(
                    ["reference_year", breakdown.Dimension.Id, "label", .. s_figure],
                    breakdown.Rows.Select(x => (string[])[Year(x.Row.ReferenceYear), x.Code.Code_, x.Code.Label, .. Figure(x.Row)])));
            }
        }

        yield return (ReportFiles.SafeHousing(report.Year), Csv(
            ["reference_year", "jurisdiction", "victims_identified", "status", "margin_95", "safe_housing_beds", "share_of_time_full", "services_observed"],
            SafeHousing.Rows(report).Select(r => (string[])[
                Year(report.Year),
                r.Jurisdiction,
                .. r.Victims is null ? ["", "..", ""] : Figure(r.Victims),
                r.Coverage is { ObservedServiceDays: > 0 } c ? Integer(c.Beds) : r.Coverage is { Withheld: true } ? "x" : "",
                r.Coverage is { ObservedServiceDays: > 0 } d ? Share(d.ShareOfTimeFull) : r.Coverage is { Withheld: true } ? "x" : "",
                Integer(r.Coverage?.ServicesObserved ?? 0)])));

        yield return (ReportFiles.DirectoryCapacity, Csv(
            ["sector", "unit", "services", "available", "maximum", "occupancy", "services_full", "share_full", "services_stale"],
            DirectoryInNumbers.NationalRows(report.Capacity).Select(r => (string[])[
                DirectoryCodes.NameOf(r.ServiceType), DirectoryCodes.NameOf(r.Unit), Integer(r.Services),
                .. r.Withheld
                    ? Enumerable.Repeat("x", 6)
                    : [Integer(r.Available), Integer(r.Maximum), Share(r.Occupancy), Integer(r.ServicesFull), Share(r.ShareFull), Integer(r.ServicesStale)]])));

        var p = report.Provenance;
        yield return (ReportFiles.Provenance, Csv(
            ["field", "value"],
            [
                ["gateway", p.Gateway.ToString()],
                ["tree_size", p.TreeSize.ToString(CultureInfo.InvariantCulture)],
                ["root_hash_base64", p.RootHashBase64],
                ["root_hash_hex", p.RootHashHex],
                ["log_key_name", p.LogKeyName],
                ["log_key_id", p.LogKeyId],
                ["signed_at", p.SignedAt.ToString("O", CultureInfo.InvariantCulture)],
                ["verify_command", p.VerifyCommand],
                ["generated_at", report.GeneratedAt.ToString("O", CultureInfo.InvariantCulture)],
            ]));
    }

    /// <summary>Value, status (A, E, F or ..) and margin; value and margin empty where no number may be shown.</summary>
    private static string[] Figure(QueryRow row) =>
    [
        ReportCells.ShowsNumber(row) ? row.Value.ToString(CultureInfo.InvariantCulture) : string.Empty,
        ReportCells.Symbol(row.Status) is { Length: > 0 } symbol ? symbol : "A",
        ReportCells.ShowsNumber(row) && row.Margin > 0 ? row.Margin.ToString("0.##", CultureInfo.InvariantCulture) : string.Empty,
    ];

    private static string Year(int year) => year.ToString(CultureInfo.InvariantCulture);

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Share(double share) => share.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Csv(string[] headers, IEnumerable<string[]> rows)
    {
        var csv = new StringBuilder().Append(string.Join(',', headers)).Append("\r\n");
        foreach (var row in rows)
        {
            csv.Append(string.Join(',', row.Select(DirectoryResultWriter.Escape))).Append("\r\n");
        }

        return csv.ToString();
    }
}
