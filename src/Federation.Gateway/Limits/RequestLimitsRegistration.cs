using Federation.Gateway.Identity;
using Federation.Sdk.Catalog;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Limits;

/// <summary>The request limits of a host that serves gRPC (the gateway, the token server on its own host).</summary>
internal static class RequestLimitsRegistration
{
    /// <summary>Binds and validates <see cref="RequestLimits"/> (section "Gateway:Limits") and adds what checks them.</summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimits>()
            .Bind(configuration.GetSection(RequestLimits.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RequestLimits>, RequestLimitsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(DatasetCatalog.Default);
        services.AddSingleton<RequestLimitChecker>();
        services.AddSingleton<WatchStreamSlots>();
        services.AddSingleton<StreamAccessGuard>();
        return services;
    }
}
