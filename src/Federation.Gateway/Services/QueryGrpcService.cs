using Federation.Contracts.V1;
using Federation.Gateway.Query;
using Grpc.Core;

namespace Federation.Gateway.Services;

/// <summary>Answers aggregate queries.</summary>
internal sealed class QueryGrpcService(QueryEngine engine) : QueryService.QueryServiceBase
{
    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context) =>
        engine.QueryAsync(request, context.CancellationToken);
}
