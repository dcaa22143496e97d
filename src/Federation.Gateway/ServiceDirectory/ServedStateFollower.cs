using Federation.Gateway.Storage;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Keeps this gateway process's served state up to date with the appends of every replica sharing the store, as they
/// are announced (<see cref="ILogGrowthListener"/>): the log is caught up and verified, and the directory applies the
/// new leaves, so WatchCapacity streams here carry the capacity changes another replica accepted. Calls never depend on
/// it (each one catches up first); it makes other replicas' appends served, and watched, without waiting for a call.
/// </summary>
internal sealed partial class ServedStateFollower(ILogGrowthListener listener, ServedDirectories directories, ILogger<ServedStateFollower> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => listener.ListenAsync(CatchUpAsync, stoppingToken);

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await directories.CatchUpAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A log that fails its checks was reported (and is refused to every call) by the served log; an unreachable
            // database is retried at the next announcement or check.
            LogCatchUpFailed(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not catch up with the log after another replica's append: {Problem}")]
    private partial void LogCatchUpFailed(string problem);
}
