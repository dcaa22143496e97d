using Npgsql;

namespace Federation.Gateway.Storage;

/// <summary>
/// Hears the appends of every replica sharing the PostgreSQL database: each append transaction sends a notification on
/// <see cref="PostgresLogStore.AppendChannel"/> (PostgreSQL delivers it only if the transaction commits), and this
/// listener waits for them on a connection of its own (LISTEN). When the connection drops it reconnects with growing
/// waits and catches up, since appends made while it was gone were announced to no one. A connection quiet for
/// <see cref="QuietCheck"/> is checked by listening again (a dead one is noticed and replaced) and a catch-up is run.
/// </summary>
public sealed partial class PostgresLogGrowthListener(PostgresGatewayDatabase database, ILogger<PostgresLogGrowthListener> logger) : ILogGrowthListener
{
    /// <summary>How long the listener waits without a notification before it checks its connection and catches up anyway.</summary>
    public static readonly TimeSpan QuietCheck = TimeSpan.FromSeconds(30);

    /// <summary>The statement the listening session runs (and shows in <c>pg_stat_activity</c>).</summary>
    public const string Listen = $"LISTEN {PostgresLogStore.AppendChannel}";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(10);

    public async Task ListenAsync(Func<CancellationToken, Task> catchUp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catchUp);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await ListenOnAsync(connection, cancellationToken);

                await catchUp(cancellationToken);
                if (failures > 0)
                {
                    LogListeningAgain(failures);
                    failures = 0;
                }

                while (true)
                {
                    // A notification was handled (several queued ones lead to as many cheap catch-ups), or none came.
                    if (!await connection.WaitAsync(QuietCheck, cancellationToken))
                    {
                        // Listening again is harmless and proves the connection (a dead one throws here).
                        await ListenOnAsync(connection, cancellationToken);
                    }

                    await catchUp(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or GatewayDatabaseUnavailableException or InvalidOperationException or IOException or TimeoutException)
            {
                failures++;
                var wait = TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 16)));
                LogListeningLost(database.Description, database.Secrets.Scrub(e.Message), wait.TotalSeconds);
                try
                {
                    await Task.Delay(wait, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task ListenOnAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var listen = new NpgsqlCommand(Listen, connection);
        await listen.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not hearing other replicas' appends to the log in the {Database}: {Problem}. Listening again in {Seconds} s; calls are still answered from the latest log.")]
    private partial void LogListeningLost(string database, string problem, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hearing other replicas' appends again after {Failures} failed attempt(s); caught up with the log")]
    private partial void LogListeningAgain(int failures);
}
