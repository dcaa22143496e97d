using Federation.Gateway.Transparency;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Federation.Gateway.Services;

/// <summary>Maps domain refusals thrown by any service to precise gRPC statuses, in one place.</summary>
internal sealed class RefusalInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RequestRefusedException refusal)
        {
            throw refusal.ToRpcException();
        }
        catch (LogIntegrityException failure)
        {
            throw ServingStopped(failure);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RequestRefusedException refusal)
        {
            throw refusal.ToRpcException();
        }
        catch (LogIntegrityException failure)
        {
            throw ServingStopped(failure);
        }
    }

    // The stored log no longer matches its signed checkpoints: nothing is served until an operator restores it.
    private static RpcException ServingStopped(LogIntegrityException failure) =>
        new(new Status(StatusCode.DataLoss, "The gateway stopped serving because its stored log failed verification: " + failure.Message));
}
