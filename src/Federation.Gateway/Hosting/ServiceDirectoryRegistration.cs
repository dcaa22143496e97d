using Federation.Gateway.ServiceDirectory;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Hosting;

/// <summary>Registers the national service directory: its store (tables in the gateway's SQLite file), search and watch.</summary>
internal static class ServiceDirectoryRegistration
{
    public static IServiceCollection AddServiceDirectory(this IServiceCollection services)
    {
        services.AddSingleton<IDirectoryStore>(sp =>
            new SqliteDirectoryStore(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.ResolvedDatabasePath));
        services.AddSingleton<CurrentDirectories>();
        services.AddSingleton<CapacityBroadcast>();
        services.AddSingleton<DirectoryIngestor>();
        services.AddSingleton<DirectorySearch>();
        services.AddSingleton<SafeHousingCoverage>();
        services.AddHostedService<DirectoryStoreInitializer>();
        return services;
    }

    private sealed class DirectoryStoreInitializer(IDirectoryStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
