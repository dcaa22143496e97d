using System.Threading.Channels;
using Federation.Contracts.V1;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Hands capacity changes to every open WatchCapacity stream of this gateway process: those of every directory release
/// it serves, accepted by this process or by another replica sharing the database (<see cref="ServedDirectories"/>
/// publishes them as it applies the log's leaves). A watcher that
/// falls more than <see cref="BufferedChanges"/> changes behind loses the oldest ones; ingestion never waits for a watcher.
/// </summary>
public sealed class CapacityBroadcast
{
    public const int BufferedChanges = 10_000;

    private readonly Lock _lock = new();
    private readonly List<Subscription> _subscriptions = [];

    /// <summary>Starts receiving changes that pass <paramref name="filter"/>; dispose to stop.</summary>
    public Subscription Subscribe(Func<WatchCapacityResponse, bool> filter)
    {
        var subscription = new Subscription(this, filter);
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    public void Publish(IReadOnlyCollection<WatchCapacityResponse> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Subscription[] subscriptions;
        lock (_lock)
        {
            subscriptions = [.. _subscriptions];
        }

        if (changes.Count == 0 || subscriptions.Length == 0)
        {
            return;
        }

        foreach (var change in changes)
        {
            foreach (var subscription in subscriptions)
            {
                if (subscription.Filter(change))
                {
                    subscription.Writer.TryWrite(change);
                }
            }
        }
    }

    /// <summary>The number of open watch streams.</summary>
    public int Watchers
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>One watcher's queue of changes.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly CapacityBroadcast _owner;
        private readonly Channel<WatchCapacityResponse> _channel = Channel.CreateBounded<WatchCapacityResponse>(
            new BoundedChannelOptions(BufferedChanges) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        internal Subscription(CapacityBroadcast owner, Func<WatchCapacityResponse, bool> filter)
        {
            _owner = owner;
            Filter = filter;
        }

        internal Func<WatchCapacityResponse, bool> Filter { get; }

        internal ChannelWriter<WatchCapacityResponse> Writer => _channel.Writer;

        public ChannelReader<WatchCapacityResponse> Reader => _channel.Reader;

        public void Dispose()
        {
            _owner.Remove(this);
            _channel.Writer.TryComplete();
        }
    }
}
