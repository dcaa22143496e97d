using Google.Rpc;
using Grpc.Core;

namespace Federation.Sdk.Publishing;

/// <summary>
/// Sends what is pending in an <see cref="Outbox"/>, oldest first, at least once. A transient failure is retried with
/// the <see cref="OutboxRetryPolicy"/>'s backoff; when an entry's attempts for this run are spent, the drain stops and
/// that entry and the ones after it stay pending, in order, for the next run. A refusal marks the entry failed with
/// the gateway's reason (and whether it was for the release's data) and the next entry is sent. An access token the
/// gateway refuses (Unauthenticated) is renewed once; refused again, the drain stops with
/// <see cref="OutboxAccessRefusedException"/> and the entry stays pending. Every attempt is recorded in the outbox
/// before the next one, so nothing depends on the process ending gracefully. Make one uploader per run: it remembers
/// what it saw refused.
/// </summary>
public sealed class OutboxUploader
{
    private readonly Outbox _outbox;
    private readonly IReadOnlyList<IOutboxDelivery> _deliveries;
    private readonly TimeProvider _timeProvider;
    private readonly OutboxRetryPolicy _policy;
    private readonly Func<double> _jitter;
    private readonly List<OutboxEntry> _refused = [];
    private readonly HashSet<long> _delivered = [];
    private readonly Action? _renewAccess;
    private bool _accessRenewed;

    /// <param name="outbox">The outbox to drain.</param>
    /// <param name="deliveries">One delivery per entry kind; entries of a kind none delivers are left pending.</param>
    /// <param name="timeProvider">The clock the waits between attempts run on.</param>
    /// <param name="policy">Attempts and backoff; <see cref="OutboxRetryPolicy.Default"/> when null.</param>
    /// <param name="jitter">Uniform draws from [0, 1) that spread the waits; <see cref="Random.Shared"/> when null.</param>
    /// <param name="renewAccess">
    /// Drops the cached access token, so the next call fetches a new one; called once per run, when the gateway first
    /// answers Unauthenticated. Without it an Unauthenticated answer is retried as a transient failure.
    /// </param>
    public OutboxUploader(
        Outbox outbox,
        IEnumerable<IOutboxDelivery> deliveries,
        TimeProvider timeProvider,
        OutboxRetryPolicy? policy = null,
        Func<double>? jitter = null,
        Action? renewAccess = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(deliveries);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _outbox = outbox;
        _deliveries = deliveries.ToArray();
        _timeProvider = timeProvider;
        _policy = policy ?? OutboxRetryPolicy.Default;
        _jitter = jitter ?? Random.Shared.NextDouble;
        _renewAccess = renewAccess;
        ArgumentOutOfRangeException.ThrowIfLessThan(_policy.AttemptsPerRun, 1, nameof(policy));
    }

    public Outbox Outbox => _outbox;

    /// <summary>
    /// Sends every pending entry it can. Throws <see cref="ReceiptRejectedException"/> (after recording the attempt;
    /// the entry stays pending) when the gateway's receipt cannot be kept.
    /// </summary>
    public async Task<OutboxDrainResult> DrainAsync(CancellationToken cancellationToken = default)
    {
        var result = await DrainOnceAsync(cancellationToken);
        _refused.AddRange(result.Refused);
        _delivered.UnionWith(result.Delivered.Select(e => e.Id));
        return result;
    }

    /// <summary>Whether this uploader delivered the entry (the gateway acknowledged it during this run).</summary>
    public bool DeliveredThisRun(long entryId) => _delivered.Contains(entryId);

    /// <summary>
    /// Drains the outbox, then returns <paramref name="queued"/> as delivered (same order). Throws
    /// <see cref="OutboxDeliveryException"/> when one of them is not delivered, or when any entry was refused during
    /// this uploader's drains (entries queued by earlier runs included): the outbox keeps them all.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> DeliverAsync(IReadOnlyList<OutboxEntry> queued, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queued);
        await DrainAsync(cancellationToken);
        var settled = new List<OutboxEntry>(queued.Count);
        foreach (var entry in queued)
        {
            settled.Add((await _outbox.FindAsync(entry.Id, cancellationToken))!);
        }

        var undelivered = _refused.Concat(settled.Where(e => e.State != OutboxEntryState.Delivered)).DistinctBy(e => e.Id).ToArray();
        return undelivered.Length == 0 ? settled : throw new OutboxDeliveryException(_outbox.Path, undelivered);
    }

    private async Task<OutboxDrainResult> DrainOnceAsync(CancellationToken cancellationToken)
    {
        var delivered = new List<OutboxEntry>();
        var refused = new List<OutboxEntry>();
        foreach (var entry in await _outbox.ListAsync(OutboxEntryState.Pending, cancellationToken))
        {
            if (_deliveries.FirstOrDefault(d => d.Delivers(entry.Kind)) is not { } delivery)
            {
                continue;
            }

            var outcome = await SendAsync(entry, delivery, cancellationToken);
            if (outcome == OutboxEntryState.Pending)
            {
                break;
            }

            var settled = (await _outbox.FindAsync(entry.Id, cancellationToken))!;
            (outcome == OutboxEntryState.Delivered ? delivered : refused).Add(settled);
        }

        return new OutboxDrainResult(delivered, refused, await _outbox.ListAsync(OutboxEntryState.Pending, cancellationToken));
    }

    private async Task<OutboxEntryState> SendAsync(OutboxEntry entry, IOutboxDelivery delivery, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var receipt = await delivery.DeliverAsync(entry, cancellationToken);
                await _outbox.MarkDeliveredAsync(entry.Id, receipt, cancellationToken);
                return OutboxEntryState.Delivered;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The upload was cancelled; the entry stays pending.", e, cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && _renewAccess is not null)
            {
                await _outbox.RecordAttemptAsync(entry.Id, Describe(e), cancellationToken);
                if (_accessRenewed)
                {
                    throw new OutboxAccessRefusedException(entry, Describe(e), e);
                }

                // A token can be refused mid-run (expired early, the token server's key rotated): fetch a new one, once.
                _accessRenewed = true;
                _renewAccess();
                attempt--;
            }
            catch (RpcException e) when (OutboxRetryPolicy.IsTransient(e.StatusCode))
            {
                await _outbox.RecordAttemptAsync(entry.Id, Describe(e), cancellationToken);
                if (attempt >= _policy.AttemptsPerRun)
                {
                    return OutboxEntryState.Pending;
                }

                await Task.Delay(_policy.BackoffAfter(attempt, _jitter()), _timeProvider, cancellationToken);
            }
            catch (RpcException e)
            {
                await _outbox.MarkFailedAsync(entry.Id, Describe(e), OutboxRetryPolicy.IsRefusalOfData(e), cancellationToken);
                return OutboxEntryState.Failed;
            }
            catch (ReceiptRejectedException e)
            {
                await _outbox.RecordAttemptAsync(entry.Id, e.Message, cancellationToken);
                throw;
            }
        }
    }

    /// <summary>The status, its detail and each field the gateway named in a BadRequest.</summary>
    private static string Describe(RpcException exception)
    {
        var text = $"{exception.StatusCode}: {exception.Status.Detail}";
        var violations = exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        return violations is { Count: > 0 }
            ? text + " [" + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")) + "]"
            : text;
    }
}

/// <summary>What one drain did: the entries it delivered and those the gateway refused, and what is still pending.</summary>
public sealed record OutboxDrainResult(
    IReadOnlyList<OutboxEntry> Delivered,
    IReadOnlyList<OutboxEntry> Refused,
    IReadOnlyList<OutboxEntry> StillPending);

/// <summary>
/// The gateway refused the node's access token again after a new one was fetched: its identity is not accepted (its
/// client or certificate revoked or unknown, or the gateway no longer trusts its token server). Nothing more is sent
/// this run; <see cref="Entry"/> and the entries after it stay pending for the first run after an administrator acts.
/// </summary>
public sealed class OutboxAccessRefusedException(OutboxEntry entry, string reason, Exception inner)
    : Exception($"The gateway refused the node's access token twice, a new token fetched in between ({reason}): the node's identity is not accepted. "
        + $"{entry.Describe()} and the releases queued after it stay pending in the outbox and are sent by the first run after an administrator acts.", inner)
{
    public OutboxEntry Entry { get; } = entry;
}

/// <summary>Entries that were not delivered: refused by the gateway, or still pending after this run's attempts.</summary>
public sealed class OutboxDeliveryException(string outboxPath, IReadOnlyList<OutboxEntry> undelivered)
    : Exception(Explain(outboxPath, undelivered))
{
    public IReadOnlyList<OutboxEntry> Undelivered { get; } = undelivered;

    private static string Explain(string outboxPath, IReadOnlyList<OutboxEntry> undelivered) =>
        $"{undelivered.Count} release(s) were not delivered; the outbox ({outboxPath}) keeps them:" + string.Concat(undelivered.Select(e =>
            Environment.NewLine + $"  {e.Describe()} (submission {e.SubmissionId}): " + e switch
            {
                { State: OutboxEntryState.Failed, RefusedForData: true } =>
                    $"refused for its data: fix the source (the same release is not sent again; a changed one is): {e.LastError}",
                { State: OutboxEntryState.Failed } =>
                    $"refused by the gateway (the next run signs it again with the node's current key and sends it): {e.LastError}",
                _ => $"still pending after {e.Attempts} attempt(s), sent again on the next run; last error: {e.LastError ?? "none (not attempted yet)"}",
            }));
}
