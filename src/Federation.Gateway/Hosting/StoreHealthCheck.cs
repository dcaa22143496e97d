using Federation.Gateway.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Federation.Gateway.Hosting;

/// <summary>Healthy while the submission store can be read; served through the standard gRPC health service.</summary>
internal sealed class StoreHealthCheck(ILogStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsAvailableAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The log store answers.")
            : HealthCheckResult.Unhealthy("The log store cannot be read.");
}
