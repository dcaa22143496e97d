using Federation.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Federation.Gateway.Limits;

/// <summary>Checks every request against the published limits before its service starts any work.</summary>
internal sealed class RequestLimitsInterceptor(RequestLimitChecker checker) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    private void Check(object request)
    {
        if (request is IMessage message)
        {
            checker.CheckShape(message);
        }

        switch (request)
        {
            case QueryRequest query:
                checker.CheckQuery(query);
                break;
            case SafeHousingCoverageRequest coverage:
                checker.CheckCoverage(coverage);
                break;
        }
    }
}
