using Federation.Contracts.V1;
using Federation.Gateway.Query;
using Grpc.Core;
using Federation.Gateway.Identity;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Services;

/// <summary>Answers aggregate queries.</summary>
[Authorize(Policy = AccessPolicies.Query)]
internal sealed class QueryGrpcService(QueryEngine engine) : QueryService.QueryServiceBase
{
    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context) =>
        engine.QueryAsync(request, context.CancellationToken);
}
