using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Federation.Gateway.Serving;

namespace Federation.Gateway.Telemetry;

/// <summary>
/// Reports the served log's size through <see cref="GatewayTelemetry.Transparency.Size"/> while the gateway runs:
/// the gauge is read when a metrics reader collects, from the log the gateway serves (no store round trip).
/// </summary>
internal sealed class LogSizeObservation(ServedLog served) : IHostedService
{
    private static readonly ConcurrentDictionary<ServedLog, byte> Served = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = GatewayTelemetry.Transparency.Size;
        Served.TryAdd(served, 0);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Served.TryRemove(served, out _);
        return Task.CompletedTask;
    }

    /// <summary>One measurement per gateway of this process (one in production).</summary>
    internal static IEnumerable<Measurement<long>> Observe() => Served.Keys.Select(log => new Measurement<long>(log.TreeSize));
}
