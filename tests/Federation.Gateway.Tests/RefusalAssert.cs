using Google.Rpc;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>Asserts that a call was refused with a given status and a BadRequest naming a field.</summary>
internal static class RefusalAssert
{
    public static async Task<RpcException> RefusedAsync(StatusCode code, string field, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, exception.StatusCode);
        var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field || v.Field.StartsWith(field + "[", StringComparison.Ordinal) || v.Field.StartsWith(field + ".", StringComparison.Ordinal));
        return exception;
    }
}
