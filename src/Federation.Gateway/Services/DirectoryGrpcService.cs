using Federation.Contracts.V1;
using Federation.Gateway.ServiceDirectory;
using Grpc.Core;

namespace Federation.Gateway.Services;

/// <summary>The national service directory: receives signed directory releases, answers searches, summaries and watches.</summary>
internal sealed class DirectoryGrpcService(
    DirectoryIngestor ingestor,
    DirectorySearch search,
    SafeHousingCoverage coverage,
    CapacityBroadcast broadcast) : DirectoryService.DirectoryServiceBase
{
    public override async Task<SubmitDirectoryResponse> SubmitDirectory(SubmitDirectoryRequest request, ServerCallContext context) =>
        new() { Receipt = await ingestor.IngestAsync(request.Envelope, context.CancellationToken) };

    public override Task<FindServicesResponse> FindServices(FindServicesRequest request, ServerCallContext context) =>
        search.FindServicesAsync(request, context.CancellationToken);

    public override Task<CapacitySummaryResponse> CapacitySummary(CapacitySummaryRequest request, ServerCallContext context) =>
        search.CapacitySummaryAsync(request, context.CancellationToken);

    public override Task<SafeHousingCoverageResponse> SafeHousingCoverage(SafeHousingCoverageRequest request, ServerCallContext context) =>
        coverage.ComputeAsync(request, context.CancellationToken);

    public override async Task WatchCapacity(WatchCapacityRequest request, IServerStreamWriter<WatchCapacityResponse> responseStream, ServerCallContext context)
    {
        var filter = DirectorySearch.WatchFilter(request);

        // Subscribe before reading the current state, so no change falls between the two.
        using var subscription = broadcast.Subscribe(filter);
        var state = request.SendCurrent ? await search.CurrentStateAsync(filter, context.CancellationToken) : [];
        if (state.Count == 0)
        {
            // Tell the client the watch is established before the first change, so it can rely on receiving every later one.
            await context.WriteResponseHeadersAsync([]);
        }

        foreach (var message in state)
        {
            await responseStream.WriteAsync(message, context.CancellationToken);
        }
        try
        {
            await foreach (var change in subscription.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(change, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away or its deadline passed: the normal end of a watch.
        }
    }
}
