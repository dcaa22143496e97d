namespace Federation.Gateway.Storage;

/// <summary>
/// Tells a gateway process when another process sharing its log store may have appended, so that it catches up at once
/// rather than at its next call: what is served, and what WatchCapacity streams carry, then follows every replica's
/// appends. Only committed appends are announced.
/// </summary>
public interface ILogGrowthListener
{
    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled, calling <paramref name="catchUp"/> once listening has
    /// begun (and again after any interruption, since appends made meanwhile were not heard of), then after appends of
    /// any process. Never throws but for cancellation: a lost connection is re-established.
    /// </summary>
    Task ListenAsync(Func<CancellationToken, Task> catchUp, CancellationToken cancellationToken);
}

/// <summary>
/// A store only one gateway process writes to (SQLite): that process's own appends are served as they commit, so there
/// is nothing to listen for.
/// </summary>
public sealed class SingleProcessLogGrowth : ILogGrowthListener
{
    public Task ListenAsync(Func<CancellationToken, Task> catchUp, CancellationToken cancellationToken) => Task.CompletedTask;
}
