using System.Globalization;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Grpc.Net.Client;

namespace Federation.Cli.Demo;

/// <summary>The demo's report, computed by querying the gateway as an analyst would.</summary>
internal sealed class DemoReport(GrpcChannel channel, TextWriter output)
{
    private const string DatasetId = "trafficking.victims.v1";

    private const string ProsecutionsDatasetId = "trafficking.prosecutions.v1";

    private readonly QueryService.QueryServiceClient _client = new(channel);

    public async Task PrintAsync(CancellationToken cancellationToken)
    {
        var dataset = DatasetCatalog.Default.Get(DatasetId);
        var expected = dataset.Jurisdictions.Count;
        output.WriteLine($"National figures: {dataset.Title.ToLowerInvariant()} ({dataset.Id}), protected by {ProtectionText.Describe(dataset.ToContract())}.");
        output.WriteLine("Every figure carries its 95% margin of error; the jurisdiction table is the publication view (consistent, non-negative integers).");
        output.WriteLine("Synthetic data shaped by published Canadian figures: not official statistics.");
        output.WriteLine();

        var totals = await QueryAsync(new QueryRequest { DatasetId = DatasetId }, cancellationToken);
        QueryResultWriter.Write(totals, OutputFormat.Table, output, expected);
        output.WriteLine();

        var latest = totals.Rows.Where(r => r.Status == CellStatus.Available).Select(r => r.ReferenceYear).DefaultIfEmpty().Max();
        if (latest == 0)
        {
            output.WriteLine("No jurisdiction has reported yet.");
            return;
        }

        output.WriteLine($"Victims identified in {latest}, by gender and age group (national):");
        var byGenderAndAge = new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender", "age_group" }, Years = { latest } };
        QueryResultWriter.Write(await QueryAsync(byGenderAndAge, cancellationToken), OutputFormat.Table, output, expected);
        output.WriteLine();

        output.WriteLine("Victims identified by jurisdiction and year:");
        var perJurisdiction = await QueryAsync(new QueryRequest { DatasetId = DatasetId, ByJurisdiction = true, Publication = true }, cancellationToken);
        var years = perJurisdiction.Rows.Select(r => r.ReferenceYear).Distinct().Order().ToArray();
        var table = new TextTable([.. new[] { "jurisdiction", "name" }.Concat(years.Select(y => y.ToString(CultureInfo.InvariantCulture)))]);
        foreach (var jurisdiction in dataset.Jurisdictions)
        {
            var rows = perJurisdiction.Rows.Where(r => r.Jurisdiction == jurisdiction).ToDictionary(r => r.ReferenceYear);
            table.AddRow([.. new[] { jurisdiction, Jurisdiction.NameOf(jurisdiction) }.Concat(years.Select(y =>
                rows.TryGetValue(y, out var row) ? QueryResultWriter.FormatValue(row) : ".."))]);
        }

        table.Write(output);
        var margin = perJurisdiction.Rows.Where(r => r.Margin > 0).Select(r => r.Margin).DefaultIfEmpty().Max();
        if (margin > 0)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"(publication view; each jurisdiction's yearly total is within about ±{margin:0} of the truth 19 times in 20; \"E\" = use with caution, \"F\" = too unreliable to be published)"));
        }

        var complete = totals.Rows.Count(r => r.MissingJurisdictions.Count == 0);
        output.WriteLine($"Completeness: {complete} of {totals.Rows.Count} years have all {expected} jurisdictions reporting.");
        output.WriteLine();
        await PrintProsecutionsAsync(cancellationToken);
    }

    /// <summary>The national line of the court dataset: completed cases per fiscal year, and the share with a guilty decision.</summary>
    private async Task PrintProsecutionsAsync(CancellationToken cancellationToken)
    {
        var dataset = DatasetCatalog.Default.Get(ProsecutionsDatasetId);
        output.WriteLine($"National figures: {dataset.Title.ToLowerInvariant()} ({dataset.Id}), by fiscal year (April to March).");
        var totals = await QueryAsync(new QueryRequest { DatasetId = dataset.Id }, cancellationToken);
        var decisions = await QueryAsync(new QueryRequest { DatasetId = dataset.Id, GroupBy = { "decision" } }, cancellationToken);
        var table = new TextTable("fiscal year", "completed cases", "guilty", "share guilty", "jurisdictions");
        foreach (var row in totals.Rows.OrderBy(r => r.ReferenceYear))
        {
            var guilty = decisions.Rows.SingleOrDefault(r => r.ReferenceYear == row.ReferenceYear && r.Codes.SequenceEqual(["GUILTY"]));
            var share = guilty is { Status: CellStatus.Available } && row is { Status: CellStatus.Available, Value: > 0 }
                ? string.Create(CultureInfo.InvariantCulture, $"{Math.Clamp(guilty.Value, 0, row.Value) * 100.0 / row.Value:0}%")
                : "..";
            table.AddRow(
                dataset.YearLabel(row.ReferenceYear),
                $"{QueryResultWriter.FormatValue(row)} {QueryResultWriter.FormatMargin(row)}".TrimEnd(),
                guilty is null ? ".." : QueryResultWriter.FormatValue(guilty),
                share,
                $"{row.ContributingJurisdictions.Count} of {dataset.Jurisdictions.Count}");
        }

        table.Write(output);
        output.WriteLine("(synthetic court cases shaped by Juristat \"Trafficking in persons in Canada, 2020\": about 76 completed cases a year, 12% with a guilty decision)");
    }

    private async Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken) =>
        await _client.QueryAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
}
