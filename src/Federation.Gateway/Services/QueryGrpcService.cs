using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Gateway.Query;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Services;

/// <summary>Answers aggregate queries (analysts; province clients for their own jurisdiction only).</summary>
[Authorize(Policy = AccessPolicies.StatisticsReader)]
internal sealed class QueryGrpcService(QueryEngine engine) : QueryService.QueryServiceBase
{
    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        ProvinceScope.RequireOwnJurisdiction(context, request.Jurisdictions);
        return engine.QueryAsync(request, context.CancellationToken);
    }
}
