using Federation.Contracts.V1;

namespace Federation.Cli.Report;

/// <summary>
/// "Connecting the dots": per jurisdiction and nationally, victims identified (the statistics' publication view at the
/// report's checkpoint) next to the directory's safe-housing beds and share of time full (SafeHousingCoverage).
/// </summary>
internal static class SafeHousing
{
    /// <summary>The statistics dataset whose victims are set next to safe-housing beds.</summary>
    public const string DatasetId = "trafficking.victims.v1";

    /// <summary>One row per jurisdiction of the dataset, then the national row (empty jurisdiction).</summary>
    public sealed record Row(string Jurisdiction, QueryRow? Victims, SafeHousingCoverageRow? Coverage);

    public static IReadOnlyList<Row> Rows(ReportData report)
    {
        var dataset = report.Datasets.FirstOrDefault(d => d.Definition.Id == DatasetId);
        if (dataset is null)
        {
            return [];
        }

        var coverage = report.Coverage.Rows.Where(r => r.ReferenceYear == report.Year).ToArray();
        var rows = dataset.Definition.Jurisdictions
            .Select(j => new Row(
                j,
                dataset.Jurisdictions(report.Year).FirstOrDefault(r => r.Jurisdiction == j),
                coverage.FirstOrDefault(c => c.Jurisdiction == j)))
            .ToList();
        rows.Add(new Row(string.Empty, dataset.NationalTotal(report.Year), coverage.FirstOrDefault(c => c.Jurisdiction.Length == 0)));
        return rows;
    }
}

/// <summary>The national service directory in numbers: the capacity summary's national rows, one per sector and unit.</summary>
internal static class DirectoryInNumbers
{
    public static IReadOnlyList<CapacitySummaryRow> NationalRows(CapacitySummaryResponse capacity) =>
        capacity.Rows.Where(r => r.Jurisdiction.Length == 0).ToArray();
}
