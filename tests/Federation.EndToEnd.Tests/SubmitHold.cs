using System.Collections.Concurrent;
using System.Security.Cryptography;
using Federation.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Federation.EndToEnd.Tests;

/// <summary>Where <see cref="SubmitHold"/> holds the Submit call it stops.</summary>
internal enum SubmitHoldPoint
{
    /// <summary>After the gateway stored the submission and appended it to the log, before its receipt goes back.</summary>
    AfterStoring,

    /// <summary>Before the gateway looks at the submission: to the node, a gateway that does not answer.</summary>
    BeforeStoring,
}

/// <summary>
/// A gateway interceptor that lets Submit calls through except the <c>call</c>-th (1 for the first), which it holds at
/// <paramref name="point"/>: it signals <see cref="Held"/>, then answers nothing until the caller goes away or the test
/// calls <see cref="Release"/>. Calls after it go through. It records the submission id of every Submit call it sees.
/// Register the instance as a singleton and add the interceptor to the gateway's gRPC options.
/// </summary>
internal sealed class SubmitHold(int call, SubmitHoldPoint point) : Interceptor
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _seen = new();
    private int _calls;

    /// <summary>Completes when the held call reached its hold point (after storing: the gateway has committed it).</summary>
    public Task Held => _held.Task;

    /// <summary>The submission id of every Submit call the gateway received, in order of arrival, the held one included.</summary>
    public IReadOnlyList<string> SubmissionIdsSeen => [.. _seen];

    /// <summary>
    /// Ends the hold. A call held after storing then answers (to whoever is still listening); a call held before
    /// storing fails Unavailable and is never stored.
    /// </summary>
    public void Release() => _released.TrySetResult();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is not SubmitRequest submit)
        {
            return await continuation(request, context);
        }

        _seen.Enqueue(Convert.ToHexStringLower(SHA256.HashData(submit.Envelope.Submission.Span)));
        if (Interlocked.Increment(ref _calls) != call)
        {
            return await continuation(request, context);
        }

        if (point == SubmitHoldPoint.AfterStoring)
        {
            var response = await continuation(request, context);
            _held.TrySetResult();
            await WaitForReleaseAsync(context);
            return response;
        }

        _held.TrySetResult();
        await WaitForReleaseAsync(context);
        throw new RpcException(new Status(StatusCode.Unavailable, "The submission was held before the gateway looked at it and was not stored."));
    }

    private async Task WaitForReleaseAsync(ServerCallContext context)
    {
        try
        {
            await _released.Task.WaitAsync(context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The node stopped waiting."));
        }
    }
}
