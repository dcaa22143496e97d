using Grpc.Core;

namespace Federation.Sdk.Publishing;

/// <summary>
/// How the outbox retries an upload the gateway could not take: at most <see cref="AttemptsPerRun"/> attempts per
/// entry in one run, waiting between them an exponentially growing, capped and jittered time. An entry still pending
/// after its attempts stays in the outbox for the next run.
/// </summary>
/// <remarks>
/// Retried (the envelope may be fine; the gateway, the network or the node's credentials were not):
/// Unavailable, DeadlineExceeded, ResourceExhausted, Aborted, Internal, Unknown, Cancelled (by the server) and
/// Unauthenticated (the node's token was refused: nothing about this envelope, and marking it failed would lose it
/// until the registration is fixed; an <see cref="OutboxUploader"/> given a way to renew the token fetches a new one
/// once, then stops the run with the entry pending). Re-sending is always safe: the gateway returns the first receipt for an
/// envelope it already holds, so a timeout after the gateway appended cannot count twice. Every other status
/// (InvalidArgument, FailedPrecondition, PermissionDenied, AlreadyExists, NotFound, OutOfRange, Unimplemented,
/// DataLoss) is the gateway's refusal of this envelope: the entry is marked failed with the reason, and whether it was
/// refused for its data (<see cref="IsRefusalOfData"/>), and the next entries are sent.
/// </remarks>
public sealed record OutboxRetryPolicy(int AttemptsPerRun, TimeSpan InitialBackoff, TimeSpan MaxBackoff)
{
    /// <summary>Six attempts per run, waiting about 1, 2, 4, 8 and 16 seconds (at most 30) between them.</summary>
    public static OutboxRetryPolicy Default { get; } = new(6, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>
    /// The wait after the <paramref name="failedAttempts"/>-th failed attempt (1 for the first): the initial backoff
    /// doubled for each earlier failure and capped at <see cref="MaxBackoff"/>, then scaled by between one half and one
    /// ("equal jitter", so nodes that failed together do not retry together, and no wait is shorter than half the
    /// schedule). <paramref name="jitter"/> is a uniform draw from [0, 1).
    /// </summary>
    public TimeSpan BackoffAfter(int failedAttempts, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        if (jitter is < 0 or >= 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "The jitter draw must be in [0, 1).");
        }

        var exponent = Math.Min(failedAttempts - 1, 62);
        var capped = InitialBackoff.Ticks * Math.Pow(2, exponent) >= MaxBackoff.Ticks
            ? MaxBackoff
            : TimeSpan.FromTicks(InitialBackoff.Ticks << exponent);
        return TimeSpan.FromTicks((long)(capped.Ticks * (0.5 + (jitter / 2))));
    }

    /// <summary>
    /// Whether a refusal (a status <see cref="IsTransient"/> does not retry) is about the release's data: anything but
    /// PermissionDenied (the signer or the caller: a revoked or unregistered certificate, another jurisdiction's token)
    /// and a refusal naming the envelope's signature (<c>envelope.signature</c>: malformed, mismatched, untrusted). Those
    /// two are cured by signing the same release again with the node's current key; a refusal of the data (the
    /// catalogue, the grid, the publication calendar, the privacy budget, an older release than the current one, a
    /// directory rule) would only be repeated: the source must change.
    /// </summary>
    public static bool IsRefusalOfData(RpcException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (refusal.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            return false;
        }

        var fields = refusal.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field) ?? [];
        return !fields.Any(f => f.StartsWith("envelope.signature", StringComparison.Ordinal));
    }

    /// <summary>Whether an upload that ended with <paramref name="status"/> is tried again (see the remarks).</summary>
    public static bool IsTransient(StatusCode status) => status is
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted or
        StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled or StatusCode.Unauthenticated;
}
