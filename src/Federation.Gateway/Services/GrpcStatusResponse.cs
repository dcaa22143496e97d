using System.Globalization;
using Grpc.Core;

namespace Federation.Gateway.Services;

/// <summary>Answers a gRPC request with a status and no message (a trailers-only response), before any service sees it.</summary>
internal static class GrpcStatusResponse
{
    public static void Write(HttpResponse response, StatusCode code, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
