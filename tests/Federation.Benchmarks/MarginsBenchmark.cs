using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Gateway.Query;
using Federation.Sdk.Adapters.Csv;
using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Synthetic;

namespace Federation.Benchmarks;

/// <summary>
/// Signal for the same privacy budget. For each workload query of trafficking.victims.v1 (and the court dataset), the
/// 95% margin of its widest national (or per-jurisdiction) cell today, summed from the one least-variance table as the
/// gateway answered before least squares (exact integer margin), next to the margin under the workload's plan
/// (<c>fed privacy plan</c>) with GLS estimates, at the same rho per release. Then, on demo data (the synthetic
/// generator at the demo's calibrated sizes, all 13 jurisdictions, reference year 2024, seeded noise), the share of
/// national one-way cells with status A (cv at most 1/6) today and under the plan. Ratios below 1 are tighter margins.
/// </summary>
internal sealed class MarginsBenchmark : IBenchmark
{
    private const int Year = 2024;

    public string Name => "margins";

    public string Description => "95% margins of the workload today (one table) and under the plan (GLS) at the same rho; share of status A cells on demo data";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        foreach (var id in new[] { "trafficking.victims.v1", "trafficking.prosecutions.v1" })
        {
            var today = DatasetCatalog.Default.Get(id);
            var plan = MeasurementPlanner.Plan(today);
            var planned = Planned(today, plan);
            run.Line($"  {id}: rho per release {today.Protection.ReleaseRho} today, {planned.Protection.ReleaseRho.ToDouble():0.######} planned; {string.Join(", ", plan.Select(t => $"{t.Id} {Describe(t.Dimensions)} {t.Variance}"))}");
            var planMargins = MeasurementPlanner.Margins(planned, planned.Tables.Select(t => MeasuredTable.Of(t, planned.Protection)).ToArray());
            for (var i = 0; i < today.Workload.Count; i++)
            {
                var query = today.Workload[i];
                run.Ratio($"{query.Id} {query.Describe()}: +/- plan (GLS)", planMargins[i].Margin!.Value, "", OneTableMargin(today, query), "today (one table)");
            }

            if (id == "trafficking.victims.v1")
            {
                var todayShare = await ShareAvailableAsync(today, OneTableCells, cancellationToken);
                var planShare = await ShareAvailableAsync(planned, EstimatedCells, cancellationToken);
                run.Ratio("share of national one-way cells with status A, plan (GLS)", 100 * planShare, "%", 100 * todayShare, "today (one table)");
            }
        }
    }

    // The dataset with the plan's tables and protection, read back from its document as the tool writes it.
    private static DatasetDefinition Planned(DatasetDefinition dataset, IReadOnlyList<PlannedTable> plan)
    {
        var assembly = typeof(DatasetCatalog).Assembly;
        using var resource = assembly.GetManifestResourceStream($"Federation.Sdk.Catalog.Datasets.{dataset.Id}.json")!;
        using var reader = new StreamReader(resource);
        var text = DatasetDocument.WithTables(
            reader.ReadToEnd(), plan.Select(t => (t.Id, t.Title, (IReadOnlyList<string>)t.Dimensions.Select(d => d.Id).ToArray(), t.Variance)).ToArray(), dataset.Id);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        return DatasetDocument.Parse(stream, dataset.Id);
    }

    // The widest cell's exact 95% margin summed from the least-variance covering table, nationally over every jurisdiction.
    private static double OneTableMargin(DatasetDefinition dataset, WorkloadQuery query)
    {
        var groupBy = query.Dimensions.Select(d => d.Id).ToArray();
        var filters = new Dictionary<string, HashSet<string>>();
        var table = TableChoice.LeastVariance(dataset, dataset.TablesCovering(groupBy), groupBy, filters);
        var cells = (int)Math.Round(TableChoice.AnswerVariance(dataset.Protection, table, groupBy, filters) / dataset.Protection.CellVariance(table.Id));
        return NoiseMargin.Of(dataset.Protection.Of(table.Id), cells * (query.ByJurisdiction ? 1 : dataset.Jurisdictions.Count))!.Value;
    }

    // Each jurisdiction's demo release of the year under the dataset's own policy (seeded noise), then the status of every
    // national cell of every one-way breakdown, from the given per-jurisdiction figures.
    private static async Task<double> ShareAvailableAsync(
        DatasetDefinition dataset,
        Func<DatasetDefinition, Submission, DimensionDefinition, (double Value, double Variance)[]> figures,
        CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "federation-benchmarks", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var national = dataset.Dimensions.ToDictionary(d => d.Id, d => new (double Value, double Variance)[d.Codes.Count]);
            foreach (var (jurisdiction, j) in dataset.Jurisdictions.Select((j, i) => (j, i)))
            {
                var path = Path.Combine(folder, $"{jurisdiction}.csv");
                SyntheticCaseData.WriteCsv(path, SyntheticCaseData.Victims(jurisdiction, Year, SyntheticCaseData.ExpectedVictims(jurisdiction, Year), seed: 100 + j));
                var pipeline = new StatisticsPipeline(
                    dataset,
                    new SubmissionBuilder(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource((ulong)(200 + j)))),
                    TimeProvider.System,
                    RandomNumberGenerator.GetBytes(32));
                var result = await pipeline.RunAsync(new CsvCaseRecordSource(path), jurisdiction, $"node-{jurisdiction.ToLowerInvariant()}", [Year], cancellationToken);
                var release = result.Submissions.Single();
                foreach (var dimension in dataset.Dimensions)
                {
                    var cells = figures(dataset, release, dimension);
                    for (var c = 0; c < cells.Length; c++)
                    {
                        national[dimension.Id][c] = (national[dimension.Id][c].Value + cells[c].Value, national[dimension.Id][c].Variance + cells[c].Variance);
                    }
                }
            }

            var all = national.Values.SelectMany(cells => cells).ToArray();
            return all.Count(c => Reliability.Classify(c.Value, c.Variance) == CellStatus.Available) / (double)all.Length;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Today's answer: the least-variance table covering the dimension, its cells summed per code.
    private static (double Value, double Variance)[] OneTableCells(DatasetDefinition dataset, Submission release, DimensionDefinition dimension)
    {
        var filters = new Dictionary<string, HashSet<string>>();
        var table = TableChoice.LeastVariance(dataset, dataset.TablesCovering([dimension.Id]), [dimension.Id], filters);
        var k = table.IndexOf(dimension.Id);
        var variance = dataset.Protection.CellVariance(table.Id);
        return dimension.Codes.Select(code =>
        {
            var cells = release.Tables.Single(t => t.TableId == table.Id).Cells.Where(c => c.Codes[k] == code.Code).ToArray();
            return ((double)cells.Sum(c => c.Value), cells.Length * variance);
        }).ToArray();
    }

    // The plan's answer: the GLS estimate of each code from every table of the release (as the gateway answers).
    private static (double Value, double Variance)[] EstimatedCells(DatasetDefinition dataset, Submission release, DimensionDefinition dimension)
    {
        var fit = ReleaseFit.Of(dataset, release.Tables.SelectMany(t => t.Cells.Select(c => (t.TableId, (IReadOnlyList<string>)c.Codes, c.Value))))!;
        return dimension.Codes.Select(code =>
        {
            var cell = fit.Estimator.Cell(new Dictionary<string, IReadOnlyCollection<string>> { [dimension.Id] = [code.Code] }, out _)!;
            return (fit.Estimate(cell), cell.Variance);
        }).ToArray();
    }

    private static string Describe(IReadOnlyList<DimensionDefinition> dimensions) =>
        dimensions.Count == 0 ? "total" : string.Join(" x ", dimensions.Select(d => d.Id));
}
