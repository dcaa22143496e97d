using Federation.Contracts.V1;
using Federation.Sdk.Transparency;
using Grpc.Net.Client;

namespace Federation.Cli.Report;

/// <summary>
/// Asks the gateway's public API for everything a report shows, as the analyst client (scope federation.query): the
/// latest checkpoint (verified with the pinned log key), then every published dataset's figures as of that checkpoint,
/// then the service directory's aggregate capacity and safe-housing coverage.
/// </summary>
internal sealed class ReportCollector(GrpcChannel channel, LogVerifierKey logKey, TimeSpan timeout)
{
    private readonly CatalogService.CatalogServiceClient _catalog = new(channel);
    private readonly QueryService.QueryServiceClient _query = new(channel);
    private readonly DirectoryService.DirectoryServiceClient _directory = new(channel);
    private readonly TransparencyLogService.TransparencyLogServiceClient _log = new(channel);

    public async Task<ReportData> CollectAsync(int year, Uri gateway, string verifyCommand, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var provenance = await CheckpointAsync(gateway, verifyCommand, cancellationToken);
        var datasets = new List<DatasetReport>();
        var list = await _catalog.ListDatasetsAsync(new ListDatasetsRequest(), deadline: Deadline(), cancellationToken: cancellationToken);
        // Victims identified first (the report's headline dataset), then the others; a dataset nothing was released for has no section.
        foreach (var summary in list.Datasets.OrderBy(d => d.Id != SafeHousing.DatasetId).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            var definition = (await _catalog.DescribeDatasetAsync(new DescribeDatasetRequest { DatasetId = summary.Id }, deadline: Deadline(), cancellationToken: cancellationToken)).Dataset;
            var dataset = await DatasetAsync(definition, year, provenance.TreeSize, cancellationToken);
            if (dataset.Years.Count > 0)
            {
                datasets.Add(dataset);
            }
        }

        if (!datasets.Any(d => d.NationalTotal(year) is { Status: not CellStatus.NotAvailable }))
        {
            throw new Commands.CommandException(
                $"No jurisdiction had reported {year} for any dataset at transparency log tree size {provenance.TreeSize}: there is nothing to report for that year.");
        }

        var capacity = await _directory.CapacitySummaryAsync(new CapacitySummaryRequest(), deadline: Deadline(), cancellationToken: cancellationToken);
        var coverage = await _directory.SafeHousingCoverageAsync(new SafeHousingCoverageRequest { Years = { year } }, deadline: Deadline(), cancellationToken: cancellationToken);
        return new ReportData(year, now, provenance, datasets, capacity, coverage);
    }

    private async Task<ReportProvenance> CheckpointAsync(Uri gateway, string verifyCommand, CancellationToken cancellationToken)
    {
        var response = await _log.GetCheckpointAsync(new GetCheckpointRequest(), deadline: Deadline(), cancellationToken: cancellationToken);
        var checkpoint = logKey.TryOpenCheckpoint(response.Checkpoint, out var error)
            ?? throw new InvalidDataException($"The gateway's checkpoint does not verify with the log key {logKey.Name} ({logKey.KeyId:x8}): {error}. No report was written.");
        if (checkpoint.TreeSize == 0)
        {
            throw new Commands.CommandException("The gateway's transparency log is empty: nothing has been published yet.");
        }

        return new ReportProvenance(
            gateway,
            response.Checkpoint,
            checkpoint.TreeSize,
            checkpoint.RootHash,
            logKey.Name,
            logKey.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            response.SignedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue,
            verifyCommand);
    }

    private async Task<DatasetReport> DatasetAsync(Dataset definition, int year, long treeSize, CancellationToken cancellationToken)
    {
        var national = await QueryAsync(definition.Id, treeSize, byJurisdiction: false, groupBy: null, year: null, cancellationToken);
        var byJurisdiction = await QueryAsync(definition.Id, treeSize, byJurisdiction: true, groupBy: null, year: null, cancellationToken);
        var breakdowns = new List<DimensionBreakdown>();
        foreach (var dimension in definition.Dimensions)
        {
            breakdowns.Add(new DimensionBreakdown(dimension, await QueryAsync(definition.Id, treeSize, byJurisdiction: false, dimension.Id, year, cancellationToken)));
        }

        return new DatasetReport(definition, national, byJurisdiction, breakdowns);
    }

    /// <summary>One publication-view query as of the report's checkpoint.</summary>
    private async Task<QueryResponse> QueryAsync(string datasetId, long treeSize, bool byJurisdiction, string? groupBy, int? year, CancellationToken cancellationToken)
    {
        var request = new QueryRequest { DatasetId = datasetId, ByJurisdiction = byJurisdiction, Publication = true, AsOfTreeSize = (ulong)treeSize };
        if (groupBy is not null)
        {
            request.GroupBy.Add(groupBy);
        }

        if (year is { } y)
        {
            request.Years.Add(y);
        }

        return await _query.QueryAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
    }

    private DateTime Deadline() => DateTime.UtcNow.Add(timeout);
}
