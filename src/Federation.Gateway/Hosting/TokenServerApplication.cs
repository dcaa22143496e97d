using System.Security.Cryptography.X509Certificates;
using Federation.Gateway.Audit;
using Federation.Gateway.Identity;
using Federation.Gateway.Limits;
using Federation.Gateway.Services;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Gateway.Hosting;

/// <summary>
/// The federation's token server on its own host: the token endpoint, discovery and the key set over TLS, its own
/// identity store, and the registry methods of the admin API (register and revoke clients, list them, read the audit
/// log) so <c>fed admin</c> can keep it in step with the gateway. No statistics, queries or directory live here.
/// </summary>
public static class TokenServerApplication
{
    /// <summary>
    /// Creates the token server. Settings come from configuration (section "TokenServer": appsettings, environment,
    /// command line), then <paramref name="configure"/>; they are validated at start-up.
    /// </summary>
    public static WebApplication Create(string[] args, Action<TokenServerOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var optionsBuilder = builder.Services.AddOptions<TokenServerOptions>()
            .Bind(builder.Configuration.GetSection(TokenServerOptions.SectionName))
            .ValidateOnStart();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        builder.Services.AddSingleton<IValidateOptions<TokenServerOptions>, TokenServerOptionsValidator>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<TokenServerOptions>>().Value;
            FederationListener.ListenWithTls(kestrel, options.ListenAddress, options.Port, options.TlsCertificatePath!, options.TlsPrivateKeyPath!);
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => FederationTrust.FromPemFile(sp.GetRequiredService<IOptions<TokenServerOptions>>().Value.TrustRootPath!));
        builder.Services.AddSingleton<IAuditLog>(sp => new BoundedAuditLog(
            new SqliteAuditLog(sp.GetRequiredService<IOptions<TokenServerOptions>>().Value.ResolvedAuditDatabasePath),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<TokenSigningCertificate>();
        builder.Services.AddFederationAccessControl();
        builder.Services.AddFederationTokenServer(
            sp => IdentityDatabase.SqliteFile(sp.GetRequiredService<IOptions<TokenServerOptions>>().Value.ResolvedIdentityDatabasePath),
            (sp, settings) =>
            {
                var options = sp.GetRequiredService<IOptions<TokenServerOptions>>().Value;
                settings.SigningKey = sp.GetRequiredService<TokenSigningCertificate>().SecurityKey;
                settings.Issuer = IssuerAddress.Normalize(options.Issuer!);
                settings.AccessTokenLifetime = TimeSpan.FromSeconds(options.AccessTokenLifetimeSeconds);
            });
        builder.Services.AddLocalTokenValidation();
        builder.Services.AddRequestLimits(builder.Configuration);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<RefusalInterceptor>();
            grpc.Interceptors.Add<RequestLimitsInterceptor>();
            grpc.Interceptors.Add<AuditParametersInterceptor>();
        });
        builder.Services.AddGrpcHealthChecks();

        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<AuditMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<MalformedMessageGuard>();
        app.MapFederationTokenEndpoint();
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        return app;
    }

    /// <summary>The token server's signing certificate with its key; signs access tokens, key id the certificate thumbprint.</summary>
    private sealed class TokenSigningCertificate : IDisposable
    {
        private readonly X509Certificate2 _certificate;

        public TokenSigningCertificate(IOptions<TokenServerOptions> options)
        {
            _certificate = CertificateFiles.LoadWithPrivateKey(options.Value.SigningCertificatePath!, options.Value.SigningPrivateKeyPath!);
            SecurityKey = new ECDsaSecurityKey(_certificate.GetECDsaPrivateKey()!) { KeyId = GatewayCredentials.KeyIdOf(_certificate) };
        }

        public SecurityKey SecurityKey { get; }

        public void Dispose() => _certificate.Dispose();
    }
}
