using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Gateway.Limits;
using Federation.Gateway.ServiceDirectory;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OpenIddict.Abstractions;

namespace Federation.Gateway.Services;

/// <summary>
/// The national service directory: receives signed directory releases (nodes, federation.submit; the caller's token,
/// certificate and release must name the same jurisdiction), answers searches and summaries (federation.query, capacity
/// aggregated; federation.referral, exact; federation.province, aggregated and its own jurisdiction only) and capacity
/// watches (federation.referral only).
/// </summary>
internal sealed class DirectoryGrpcService(
    DirectoryIngestor ingestor,
    ClientRegistry registry,
    DirectorySearch search,
    SafeHousingCoverage coverage,
    CapacityBroadcast broadcast,
    WatchStreamSlots watchSlots,
    StreamAccessGuard accessGuard,
    IHostApplicationLifetime lifetime) : DirectoryService.DirectoryServiceBase
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

    [Authorize(Policy = AccessPolicies.DirectoryReader)]
    public override Task<FindServicesResponse> FindServices(FindServicesRequest request, ServerCallContext context)
    {
        ProvinceScope.RequireOwnJurisdiction(context, request.Jurisdictions);
        return search.FindServicesAsync(request, SeesExactCapacity(context), context.CancellationToken);
    }

    [Authorize(Policy = AccessPolicies.DirectoryReader)]
    public override Task<CapacitySummaryResponse> CapacitySummary(CapacitySummaryRequest request, ServerCallContext context)
    {
        ProvinceScope.RequireOwnJurisdiction(context, request.Jurisdictions);
        return search.CapacitySummaryAsync(request, SeesExactCapacity(context), context.CancellationToken);
    }

    [Authorize(Policy = AccessPolicies.StatisticsReader)]
    public override Task<SafeHousingCoverageResponse> SafeHousingCoverage(SafeHousingCoverageRequest request, ServerCallContext context)
    {
        ProvinceScope.RequireOwnJurisdiction(context, request.Jurisdictions);
        return coverage.ComputeAsync(request, context.CancellationToken);
    }

    [Authorize(Policy = AccessPolicies.Referral)]
    public override async Task WatchCapacity(WatchCapacityRequest request, IServerStreamWriter<WatchCapacityResponse> responseStream, ServerCallContext context)
    {
        var filter = DirectorySearch.WatchFilter(request);
        var user = context.GetHttpContext().User;
        using var slot = watchSlots.Acquire(NodeCaller.From(user).ClientId);

        // The watch ends when the watcher goes away, its deadline passes, the gateway stops, or the caller's access ends.
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var accessEnd = accessGuard.WatchAsync(user, watch);
        try
        {
            await StreamChangesAsync(request, filter, responseStream, context, watch.Token);
        }
        catch (OperationCanceledException) when (watch.IsCancellationRequested)
        {
            // The normal end of a watch; the status says which.
        }
        finally
        {
            await watch.CancelAsync();
        }

        if (await accessEnd is { } ended)
        {
            throw ended;
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The gateway is shutting down: reconnect to watch again."));
        }
    }

    private static bool SeesExactCapacity(ServerCallContext context) =>
        CapacityDisclosureRules.SeesExactCapacity(context.GetHttpContext().User.GetScopes());

    private async Task StreamChangesAsync(
        WatchCapacityRequest request,
        Func<WatchCapacityResponse, bool> filter,
        IServerStreamWriter<WatchCapacityResponse> responseStream,
        ServerCallContext context,
        CancellationToken cancellationToken)
    {
        // Subscribe before reading the current state, so no change falls between the two.
        using var subscription = broadcast.Subscribe(filter);
        var state = request.SendCurrent ? await search.CurrentStateAsync(filter, cancellationToken) : [];
        if (state.Count == 0)
        {
            // Tell the client the watch is established before the first change, so it can rely on receiving every later one.
            await context.WriteResponseHeadersAsync([]);
        }

        foreach (var message in state)
        {
            await responseStream.WriteAsync(message, cancellationToken);
        }

        await foreach (var change in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            await responseStream.WriteAsync(change, cancellationToken);
        }
    }
}
