using System.Net;
using Federation.Gateway.Ingestion;
using Federation.Gateway.Query;
using Federation.Gateway.Services;
using Federation.Gateway.Storage;
using Federation.Sdk.Catalog;
using Federation.Sdk.Signing;
using Federation.Sdk.Submissions;
using Federation.Sdk.Trust;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Hosting;

/// <summary>Builds the gateway web application: Kestrel (TLS, HTTP/2), gRPC services, health and reflection.</summary>
public static partial class GatewayApplication
{
    /// <summary>
    /// Creates the gateway. Settings come from configuration (section "Gateway": appsettings, environment, command line),
    /// then <paramref name="configure"/>; they are validated at start-up.
    /// </summary>
    public static WebApplication Create(string[] args, Action<GatewayOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var optionsBuilder = builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .ValidateOnStart();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            kestrel.Limits.MaxRequestBodySize = options.MaxReceiveMessageBytes + 1024;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (!options.AllowInsecureHttp)
                {
                    using var certificate = CertificateFiles.LoadWithPrivateKey(options.TlsCertificatePath!, options.TlsPrivateKeyPath!);
                    listen.UseHttps(CertificateFiles.ForTlsServer(certificate));
                }
            });
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(DatasetCatalog.Default);
        builder.Services.AddSingleton<ISubmissionStore>(sp =>
            new SqliteSubmissionStore(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.ResolvedDatabasePath));
        builder.Services.AddSingleton(sp =>
            FederationTrust.FromPemFile(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.TrustRootPath!));
        builder.Services.AddSingleton<SubmissionVerifier>();
        builder.Services.AddSingleton<SubmissionValidator>();
        builder.Services.AddSingleton<SubmissionIngestor>();
        builder.Services.AddSingleton<QueryEngine>();
        builder.Services.AddHostedService<StoreInitializer>();
        builder.Services.AddServiceDirectory();

        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<RefusalInterceptor>();
        });
        builder.Services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<GatewayOptions>>((grpc, gateway) =>
            {
                grpc.MaxReceiveMessageSize = gateway.Value.MaxReceiveMessageBytes;
                grpc.MaxSendMessageSize = 16 * 1024 * 1024;
            });
        builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        builder.Services.AddGrpcReflection();

        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        var gatewayOptions = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (gatewayOptions.AllowInsecureHttp)
        {
            LogInsecureHttp(app.Logger);
        }

        app.MapGrpcService<CatalogGrpcService>();
        app.MapGrpcService<SubmissionGrpcService>();
        app.MapGrpcService<QueryGrpcService>();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcHealthChecksService();
        if (gatewayOptions.EnableReflection)
        {
            app.MapGrpcReflectionService();
        }

        return app;
    }

    /// <summary>The address the started gateway listens on, for example https://127.0.0.1:7443.</summary>
    public static Uri GetListeningAddress(this WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The gateway is not listening yet.");
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway:AllowInsecureHttp is on: serving plain HTTP/2 without TLS. Never do this outside local development.")]
    private static partial void LogInsecureHttp(ILogger logger);

    private sealed class StoreInitializer(ISubmissionStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
