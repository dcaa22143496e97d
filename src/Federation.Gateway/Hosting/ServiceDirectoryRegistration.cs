using Federation.Gateway.ServiceDirectory;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Hosting;

/// <summary>Registers the national service directory: answered from the directory releases of the log, search and watch (following the appends of every replica).</summary>
internal static class ServiceDirectoryRegistration
{
    public static IServiceCollection AddServiceDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CapacityDisclosureOptions>()
            .Bind(configuration.GetSection(CapacityDisclosureOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CapacityDisclosureOptions>, CapacityDisclosureOptionsValidator>();
        services.AddSingleton<CapacityDisclosureRules>();
        services.AddSingleton<ServedDirectories>();
        services.AddSingleton<IDirectoryStore>(sp => sp.GetRequiredService<ServedDirectories>());
        services.AddSingleton<CurrentDirectories>();
        services.AddSingleton<CapacityBroadcast>();
        services.AddSingleton<DirectoryIngestor>();
        services.AddSingleton<DirectorySearch>();
        services.AddSingleton<SafeHousingCoverage>();
        services.AddHostedService<ServedStateFollower>();
        return services;
    }
}
