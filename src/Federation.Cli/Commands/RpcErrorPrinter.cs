using Google.Rpc;
using Grpc.Core;

namespace Federation.Cli.Commands;

/// <summary>Prints a gateway refusal: status, message and each field at fault.</summary>
internal static class RpcErrorPrinter
{
    public static int Print(RpcException exception, TextWriter error)
    {
        if (exception.StatusCode == StatusCode.Unavailable)
        {
            error.WriteLine($"The gateway cannot be reached ({exception.Status.Detail}). Is it running? For the demo: `fed demo`.");
            return 1;
        }

        error.WriteLine($"The gateway refused the request: {exception.StatusCode}: {exception.Status.Detail}");
        var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
        foreach (var violation in badRequest?.FieldViolations ?? [])
        {
            error.WriteLine($"  {violation.Field}: {violation.Description}");
        }

        return 1;
    }
}
