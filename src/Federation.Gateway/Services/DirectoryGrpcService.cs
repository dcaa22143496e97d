using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Gateway.ServiceDirectory;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Services;

/// <summary>
/// The national service directory: receives signed directory releases (nodes, federation.submit; the caller's token,
/// certificate and release must name the same jurisdiction), answers searches, summaries and watches (federation.query).
/// </summary>
internal sealed class DirectoryGrpcService(
    DirectoryIngestor ingestor,
    ClientRegistry registry,
    DirectorySearch search,
    SafeHousingCoverage coverage,
    CapacityBroadcast broadcast) : DirectoryService.DirectoryServiceBase
{
    [Authorize(Policy = AccessPolicies.Submit)]
    public override async Task<SubmitDirectoryResponse> SubmitDirectory(SubmitDirectoryRequest request, ServerCallContext context)
    {
        var caller = NodeCaller.From(context.GetHttpContext().User);
        return new()
        {
            Receipt = await ingestor.IngestAsync(
                request.Envelope,
                (verification, cancellationToken) => caller.AuthorizeAsync(verification, registry, cancellationToken),
                context.CancellationToken),
        };
    }

    [Authorize(Policy = AccessPolicies.Query)]
    public override Task<FindServicesResponse> FindServices(FindServicesRequest request, ServerCallContext context) =>
        search.FindServicesAsync(request, context.CancellationToken);

    [Authorize(Policy = AccessPolicies.Query)]
    public override Task<CapacitySummaryResponse> CapacitySummary(CapacitySummaryRequest request, ServerCallContext context) =>
        search.CapacitySummaryAsync(request, context.CancellationToken);

    [Authorize(Policy = AccessPolicies.Query)]
    public override Task<SafeHousingCoverageResponse> SafeHousingCoverage(SafeHousingCoverageRequest request, ServerCallContext context) =>
        coverage.ComputeAsync(request, context.CancellationToken);

    [Authorize(Policy = AccessPolicies.Query)]
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
