using Google.Rpc;
using Grpc.Core;

namespace Federation.Gateway.Services;

/// <summary>Turns a <see cref="RequestRefusedException"/> into a gRPC status with <c>google.rpc.BadRequest</c> details.</summary>
internal static class RpcRefusal
{
    public static RpcException ToRpcException(this RequestRefusedException refusal)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(refusal.Violations.Select(v =>
            new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        var status = new Google.Rpc.Status
        {
            Code = (int)ToCode(refusal.Kind),
            Message = refusal.Message,
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(badRequest) },
        };
        return status.ToRpcException();
    }

    private static Code ToCode(RefusalKind kind) => kind switch
    {
        RefusalKind.InvalidArgument => Code.InvalidArgument,
        RefusalKind.NotFound => Code.NotFound,
        RefusalKind.PermissionDenied => Code.PermissionDenied,
        RefusalKind.FailedPrecondition => Code.FailedPrecondition,
        RefusalKind.AlreadyExists => Code.AlreadyExists,
        RefusalKind.Unauthenticated => Code.Unauthenticated,
        RefusalKind.ResourceExhausted => Code.ResourceExhausted,
        _ => Code.Internal,
    };
}
