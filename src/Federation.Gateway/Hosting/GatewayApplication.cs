using System.Net;
using Federation.Gateway.Audit;
using Federation.Gateway.Identity;
using Federation.Gateway.Ingestion;
using Federation.Gateway.Limits;
using Federation.Gateway.Query;
using Federation.Gateway.Services;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Gateway.Telemetry;
using Federation.Gateway.Transparency;
using Federation.Sdk.Catalog;
using Federation.Sdk.Signing;
using Federation.Sdk.Submissions;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Hosting;

/// <summary>Builds the gateway web application: Kestrel (TLS, HTTP/2), gRPC services, health and reflection.</summary>
public static partial class GatewayApplication
{
    /// <summary>How long a graceful stop waits for calls in flight before cutting them off.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(8);

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
            // gRPC's own limit gives the precise refusal (ResourceExhausted) as soon as it reads a message's length;
            // Kestrel's is a backstop with room, since a body that arrived whole before it was read counts at once.
            kestrel.Limits.MaxRequestBodySize = (2L * options.MaxReceiveMessageBytes) + (1024 * 1024);
            if (options.AllowInsecureHttp)
            {
                kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen => listen.Protocols = HttpProtocols.Http2);
            }
            else
            {
                FederationListener.ListenWithTls(kestrel, options.ListenAddress, options.Port, options.TlsCertificatePath!, options.TlsPrivateKeyPath!);
            }
        });

        builder.Services.AddRequestLimits(builder.Configuration);

        // Work in flight is bounded by the request limits; streams end when the gateway stops. What is left after this
        // is cut off, so a stop always completes within 10 s.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => DatasetCatalog.WithDocumentsIn(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.CatalogDirectory));
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return LogSigningKey.Load(options.LogOrigin, options.LogSigningKeyPath!);
        });
        AddPostgresDatabase(builder.Services);
        builder.Services.AddSingleton<ILogStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return options.UsesPostgres
                ? new PostgresLogStore(sp.GetRequiredService<PostgresGatewayDatabase>())
                : new SqliteLogStore(options.ResolvedDatabasePath);
        });
        builder.Services.AddSingleton<ILogGrowthListener>(sp =>
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.UsesPostgres
                ? ActivatorUtilities.CreateInstance<PostgresLogGrowthListener>(sp)
                : new SingleProcessLogGrowth());
        builder.Services.AddSingleton<TransparencyLog>();
        builder.Services.AddSingleton<ServedLog>();
        builder.Services.AddSingleton<ServedStatistics>();
        builder.Services.AddSingleton<ServedStateAttestation>();
        builder.Services.AddSingleton<ReleaseAppender>();
        builder.Services.AddSingleton(sp =>
            FederationTrust.FromPemFile(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.TrustRootPath!));
        builder.Services.AddSingleton<SubmissionVerifier>();
        builder.Services.AddSingleton<SubmissionValidator>();
        builder.Services.AddSingleton<SignedEnvelopeOpener>();
        builder.Services.AddSingleton<IStatisticsAdmissionRule, PrivacyBudgetRule>();
        builder.Services.AddSingleton<SubmissionIngestor>();
        builder.Services.AddSingleton<AnswerProvenance>();
        builder.Services.AddSingleton<QueryEngine>();
        builder.Services.AddHostedService<StoreInitializer>();

        // Which identity services exist depends on the settings, so they are read once here; they are validated at start-up.
        var declared = new GatewayOptions();
        builder.Configuration.GetSection(GatewayOptions.SectionName).Bind(declared);
        configure?.Invoke(declared);
        AddIdentity(builder.Services, declared.UsesExternalTokenServer);
        builder.Services.AddServiceDirectory(builder.Configuration);

        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<RefusalInterceptor>();
            grpc.Interceptors.Add<TelemetryInterceptor>();
            grpc.Interceptors.Add<RequestLimitsInterceptor>();
            grpc.Interceptors.Add<AuditParametersInterceptor>();
        }).AddJsonTranscoding(json =>
            // Refusals carry google.rpc.BadRequest details (RpcRefusal); the HTTP/JSON error body writes them out.
            json.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(Google.Rpc.BadRequest.Descriptor));
        builder.Services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<GatewayOptions>>((grpc, gateway) =>
            {
                grpc.MaxReceiveMessageSize = gateway.Value.MaxReceiveMessageBytes;
                grpc.MaxSendMessageSize = 16 * 1024 * 1024;
            });
        builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        builder.Services.AddGrpcReflection();

        configureBuilder?.Invoke(builder);
        builder.AddGatewayTelemetry();

        var app = builder.Build();
        var gatewayOptions = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (gatewayOptions.AllowInsecureHttp)
        {
            LogInsecureHttp(app.Logger);
        }

        app.UseGatewayTelemetry();
        app.UseMiddleware<AuditMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<MalformedMessageGuard>();
        app.UseMiddleware<JsonBodyLimit>();
        if (!gatewayOptions.UsesExternalTokenServer)
        {
            app.MapFederationTokenEndpoint();
        }

        app.MapGrpcService<CatalogGrpcService>();
        app.MapGrpcService<SubmissionGrpcService>();
        app.MapGrpcService<QueryGrpcService>();
        app.MapGrpcService<TransparencyLogGrpcService>();
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (gatewayOptions.EnableReflection)
        {
            app.MapGrpcReflectionService().AllowAnonymous();
        }

        return app;
    }

    /// <summary>
    /// Identity and access: the token server (hosted here unless <paramref name="externalTokenServer"/>), token
    /// validation for every call, the authorization policies, the gateway's signing key and the audit log.
    /// </summary>
    private static void AddIdentity(IServiceCollection services, bool externalTokenServer)
    {
        services.AddSingleton<GatewaySigningKey>();
        // Disposed (drained) by the container when the gateway stops, after the last request.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            IAuditStore store = options.UsesPostgres
                ? new PostgresAuditLog(sp.GetRequiredService<PostgresGatewayDatabase>())
                : new SqliteAuditLog(options.ResolvedDatabasePath);
            return new BatchedAuditLog(store, sp.GetRequiredService<ILogger<BatchedAuditLog>>(), new AuditRefusalLimit(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<BatchedAuditLog>());
        services.AddFederationAccessControl();
        if (externalTokenServer)
        {
            // The registry still decides who may act here (and records node certificates); it keeps no keys or secrets.
            services.AddFederationIdentityStore(IdentityDatabaseOf, issuesTokens: false);
            services.AddExternalTokenValidation(sp =>
            {
                var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
                return (options.TokenServerIssuer!, options.TokenServerSigningCertificatePath!);
            });
            return;
        }

        services.AddFederationTokenServer(
            IdentityDatabaseOf,
            (sp, settings) =>
            {
                var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
                settings.SigningKey = sp.GetRequiredService<GatewaySigningKey>().SecurityKey;
                settings.Issuer = string.IsNullOrWhiteSpace(options.TokenIssuer) ? null : new Uri(options.TokenIssuer);
                settings.AccessTokenLifetime = TimeSpan.FromSeconds(options.AccessTokenLifetimeSeconds);
                settings.AllowInsecureHttp = options.AllowInsecureHttp;
            });
        services.AddLocalTokenValidation();
    }

    private static IdentityDatabase IdentityDatabaseOf(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        return options.UsesPostgres
            ? IdentityDatabase.Postgres(services.GetRequiredService<PostgresGatewayDatabase>())
            : IdentityDatabase.SqliteFile(options.ResolvedIdentityDatabasePath);
    }

    /// <summary>
    /// The PostgreSQL database of Gateway:Store=postgres (created only when something asks for it), and a start-up
    /// check that it can be reached, run before any part of the gateway opens it, so a wrong setting fails at once.
    /// </summary>
    private static void AddPostgresDatabase(IServiceCollection services)
    {
        services.AddSingleton(sp => new PostgresGatewayDatabase(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.ConnectionString!, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<PostgresConnectionCheck>();
    }

    /// <summary>The address the started gateway (or token server) listens on, for example https://127.0.0.1:7443.</summary>
    public static Uri GetListeningAddress(this WebApplication app) => FederationListener.ListeningAddress(app.Services);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway:AllowInsecureHttp is on: serving plain HTTP/2 without TLS. Never do this outside local development.")]
    private static partial void LogInsecureHttp(ILogger logger);

    private sealed class PostgresConnectionCheck(IOptions<GatewayOptions> options, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.UsesPostgres)
            {
                await using var connection = await services.GetRequiredService<PostgresGatewayDatabase>().OpenAsync(cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    // Before anything is served: the schema is migrated, the empty log gets its checkpoint, and every leaf is verified
    // against the signed checkpoints and parsed (a mismatch stops the start with a message naming the release).
    private sealed class StoreInitializer(ILogStore store, TransparencyLog log, ServedLog served) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await store.MigrateAsync(cancellationToken);
            await log.InitializeAsync(cancellationToken);
            await served.CurrentAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
