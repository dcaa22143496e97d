using System.Security.Claims;
using Federation.Sdk.Identity;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>
/// The federation's OAuth 2.0 token server (OpenIddict, client credentials): what any ASP.NET Core host registers to
/// serve <c>POST /connect/token</c> (and discovery and the key set under <c>.well-known/</c>). The gateway hosts it by
/// default; <see cref="Hosting.TokenServerApplication"/> runs it on its own host, over its own identity store.
/// </summary>
public static class TokenServerRegistration
{
    /// <summary>
    /// Registers the identity store (EF Core over <paramref name="identityDatabase"/>: a SQLite file or PostgreSQL) and the client
    /// registry. With <paramref name="issuesTokens"/> false (a gateway that trusts an external token server) the
    /// registry records clients and node certificates for its own checks but keeps no keys or secrets to issue tokens with.
    /// </summary>
    public static IServiceCollection AddFederationIdentityStore(
        this IServiceCollection services,
        Func<IServiceProvider, IdentityDatabase> identityDatabase,
        bool issuesTokens)
    {
        services.AddSingleton(identityDatabase);
        services.AddDbContext<FederationIdentityDbContext>((sp, db) =>
        {
            sp.GetRequiredService<IdentityDatabase>().Configure(db);
            db.UseOpenIddict();
        });
        services.AddSingleton(new IdentityStoreRole(issuesTokens));
        services.AddScoped<ClientRegistry>();
        services.AddHostedService<IdentityStoreInitializer>();
        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<FederationIdentityDbContext>());
        return services;
    }

    /// <summary>
    /// Registers the identity store (see <see cref="AddFederationIdentityStore"/>), the token server, the single use of
    /// client assertions and the throttle of failed authentication. <paramref name="configure"/> supplies the signing
    /// key, issuer and lifetimes once the host's services exist.
    /// </summary>
    public static IServiceCollection AddFederationTokenServer(
        this IServiceCollection services,
        Func<IServiceProvider, IdentityDatabase> identityDatabase,
        Action<IServiceProvider, TokenServerSettings> configure)
    {
        services.AddFederationIdentityStore(identityDatabase, issuesTokens: true);
        services.AddSingleton<AuthenticationThrottle>();
        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetTokenEndpointUris(FederationScopes.TokenEndpointPath);
                server.AllowClientCredentialsFlow();
                server.RegisterScopes(FederationScopes.Submit, FederationScopes.Query, FederationScopes.Admin, FederationScopes.Referral, FederationScopes.Province);
                server.AddEphemeralEncryptionKey();
                server.DisableAccessTokenEncryption();
                server.DisableTokenStorage();
                server.UseAspNetCore().EnableTokenEndpointPassthrough();
                server.AddEventHandler<OpenIddictServerEvents.ProcessAuthenticationContext>(handler => handler
                    .UseScopedHandler<AssertionCertificateRevocation>()
                    .SetOrder(OpenIddictServerHandlers.ValidateClientAssertion.Descriptor.Order - 1));
                server.AddEventHandler<OpenIddictServerEvents.ProcessAuthenticationContext>(handler => handler
                    .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
                    .UseScopedHandler<AssertionCertificateValidity>()
                    .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 400));
                server.AddEventHandler<OpenIddictServerEvents.ProcessAuthenticationContext>(handler => handler
                    .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
                    .UseScopedHandler<ClientAssertionReplayGuard>()
                    .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 500));
                server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler
                    .UseSingletonHandler<TokenRequestThrottle>()
                    .SetOrder(int.MinValue + 100_000));
                server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler
                    .UseScopedHandler<TokenResponseRecorder>()
                    .SetOrder(int.MinValue + 100_000));
            });
        services.AddOptions<OpenIddictServerOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            var settings = new TokenServerSettings();
            configure(sp, settings);
            options.SigningCredentials.Add(new SigningCredentials(
                settings.SigningKey ?? throw new InvalidOperationException("The token server needs a signing key."), SecurityAlgorithms.EcdsaSha256));
            options.Issuer = settings.Issuer;
            options.AccessTokenLifetime = settings.AccessTokenLifetime;
        });
        services.AddOptions<OpenIddictServerAspNetCoreOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            var settings = new TokenServerSettings();
            configure(sp, settings);
            options.DisableTransportSecurityRequirement = settings.AllowInsecureHttp;
        });
        return services;
    }

    /// <summary>Maps the token endpoint: client credentials only, for registered clients that are not revoked.</summary>
    public static IEndpointRouteBuilder MapFederationTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(FederationScopes.TokenEndpointPath, IssueTokenAsync).AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext http, ClientRegistry registry)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        if (!request.IsClientCredentialsGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");
        }

        var clientId = request.ClientId!;
        var client = await registry.FindAsync(clientId, http.RequestAborted);
        var inactive = await registry.DescribeInactiveAsync(clientId, http.RequestAborted);
        if (client is null || inactive is not null)
        {
            return Refuse(Errors.InvalidClient, inactive ?? $"Client '{clientId}' is not registered.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        identity.SetClaim(Claims.Name, clientId);
        if (client.Jurisdiction is not null)
        {
            identity.SetClaim(FederationScopes.JurisdictionClaim, client.Jurisdiction);
        }

        var requested = request.GetScopes();
        identity.SetScopes(requested.IsEmpty ? [.. ClientRegistry.ScopesOf(client.Kind)] : requested);
        identity.SetResources(FederationScopes.GatewayAudience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private sealed class IdentityStoreInitializer(IServiceScopeFactory scopes, IdentityDatabase database) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            await database.CreateTablesAsync(scope.ServiceProvider.GetRequiredService<FederationIdentityDbContext>(), cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Whether this host's identity store backs a token server (client keys and secret hashes) or only records clients.</summary>
public sealed record IdentityStoreRole(bool IssuesTokens);

/// <summary>What a token server host supplies: the signing key, the issuer, the token lifetime.</summary>
public sealed class TokenServerSettings
{
    /// <summary>The key access tokens are signed with (ECDSA P-256, ES256).</summary>
    public SecurityKey? SigningKey { get; set; }

    /// <summary>The issuer; null: the address the request came to.</summary>
    public Uri? Issuer { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Development only: accept token requests over plain HTTP.</summary>
    public bool AllowInsecureHttp { get; set; }
}
