using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Federation.Gateway.Hosting;

/// <summary>
/// Healthy while the log store can be read and the log it holds is served (it passed verification); served through
/// the standard gRPC health service, for load balancers in front of several replicas.
/// </summary>
internal sealed class StoreHealthCheck(ILogStore store, ServedLog served) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (served.Failure is { } failure)
        {
            return HealthCheckResult.Unhealthy("The stored log failed verification: " + failure);
        }

        return await store.IsAvailableAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The log store answers.")
            : HealthCheckResult.Unhealthy("The log store cannot be read.");
    }
}
