using System.Collections.Concurrent;

namespace Federation.Gateway.Identity;

/// <summary>
/// Slows down a client that keeps failing to authenticate: after <see cref="FreeFailures"/> failures in a row each
/// further attempt waits twice as long as the last, up to <see cref="MaxDelay"/>. A success, or a quiet
/// <see cref="ForgetAfter"/>, resets the count. Bounded memory: at most <see cref="MaxTrackedClients"/> clients.
/// </summary>
public sealed class AuthenticationThrottle(TimeProvider timeProvider)
{
    public const int FreeFailures = 3;

    /// <summary>Failures in a row allowed from one remote address (many clients may share one) before it is slowed down.</summary>
    public const int FreeFailuresPerAddress = 20;
    public const int MaxTrackedClients = 10_000;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the next attempt of <paramref name="client"/> (a client id, or "address:" and a remote address) waits before it is examined.</summary>
    public TimeSpan DelayFor(string client)
    {
        var free = client.StartsWith(TokenClient.AddressPrefix, StringComparison.Ordinal) ? FreeFailuresPerAddress : FreeFailures;
        if (!_failures.TryGetValue(client, out var entry) || timeProvider.GetUtcNow() - entry.Last > ForgetAfter || entry.Failures <= free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(entry.Failures - free - 1, 16);
        var delay = FirstDelay * Math.Pow(2, doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }

    public void RecordFailure(string client)
    {
        var now = timeProvider.GetUtcNow();
        if (_failures.Count >= MaxTrackedClients && !_failures.ContainsKey(client))
        {
            foreach (var stale in _failures.Where(f => now - f.Value.Last > ForgetAfter).Select(f => f.Key).ToList())
            {
                _failures.TryRemove(stale, out _);
            }

            if (_failures.Count >= MaxTrackedClients)
            {
                // Still full of active failures: drop the oldest so memory stays bounded.
                var oldest = _failures.MinBy(f => f.Value.Last).Key;
                _failures.TryRemove(oldest, out _);
            }
        }

        _failures.AddOrUpdate(
            client,
            _ => (1, now),
            (_, entry) => (now - entry.Last > ForgetAfter ? 1 : entry.Failures + 1, now));
    }

    public void RecordSuccess(string client) => _failures.TryRemove(client, out _);
}
