using Federation.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// A gateway interceptor that, while <see cref="Down"/>, answers every upload (Submit, SubmitDirectory) with
/// ResourceExhausted before looking at it, as a gateway too busy to take uploads does: the node's health check and
/// token still succeed, its uploads stay pending. With another status (e.g. PermissionDenied: a gateway policy that
/// refuses the node), its uploads are refused instead. Register the instance as a singleton and add the interceptor to
/// the gateway's gRPC options.
/// </summary>
internal sealed class UploadOutage(StatusCode status = StatusCode.ResourceExhausted, string detail = "The gateway takes no uploads now (test outage).") : Interceptor
{
    private volatile bool _down = true;

    /// <summary>Whether uploads are refused now; true from the start.</summary>
    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        _down && request is SubmitRequest or SubmitDirectoryRequest
            ? throw new RpcException(new Status(status, detail))
            : continuation(request, context);
}
