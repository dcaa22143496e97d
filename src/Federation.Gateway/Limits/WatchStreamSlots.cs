using Microsoft.Extensions.Options;

namespace Federation.Gateway.Limits;

/// <summary>Counts each client's open WatchCapacity streams and refuses one over <see cref="RequestLimits.MaxWatchStreamsPerClient"/>.</summary>
public sealed class WatchStreamSlots(IOptions<RequestLimits> limits)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes one of <paramref name="clientId"/>'s slots until the returned handle is disposed; ResourceExhausted when none is free.</summary>
    public IDisposable Acquire(string clientId)
    {
        var limit = limits.Value.MaxWatchStreamsPerClient;
        lock (_lock)
        {
            var open = _open.GetValueOrDefault(clientId);
            if (open >= limit)
            {
                throw new RequestRefusedException(
                    RefusalKind.ResourceExhausted,
                    $"'{clientId}' already has {open} capacity watches open; the limit is {limit} per client "
                    + $"({RequestLimits.SectionName}:{nameof(RequestLimits.MaxWatchStreamsPerClient)}). Close one first.",
                    "watch_streams");
            }

            _open[clientId] = open + 1;
        }

        return new Slot(this, clientId);
    }

    private void Release(string clientId)
    {
        lock (_lock)
        {
            if (--_open[clientId] == 0)
            {
                _open.Remove(clientId);
            }
        }
    }

    private sealed class Slot(WatchStreamSlots owner, string clientId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(clientId);
            }
        }
    }
}
