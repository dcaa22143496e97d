using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Gateway.Identity;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federation.Gateway.Tests;

/// <summary>
/// Two real hosts on 127.0.0.1, both TLS: a token server on its own host (its own identity store and token signing
/// certificate) and a gateway that accepts only its tokens and hosts no token endpoint. Clients are registered at both
/// through the admin API, as <c>fed admin ... --token-server</c> does; tokens come from the token server.
/// </summary>
public sealed class StandaloneTokenServerFixture : IAsyncLifetime
{
    public const string AnalystSecret = "standalone-analyst-secret";
    private const string AdminSecret = "standalone-admin-secret";

    private readonly ConcurrentDictionary<string, Lazy<Task<GatewayTokenProvider>>> _nodeTokens = new();
    private readonly List<IDisposable> _owned = [];

    internal GatewayFixture Gateway { get; private set; } = null!;

    public WebApplication TokenServer { get; private set; } = null!;

    /// <summary>The token server's issuer, https://127.0.0.1:PORT/.</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>The token server's signing certificate (PEM, with its key next to it in <see cref="TokenSigningKeyPem"/>).</summary>
    public string TokenSigningCertificatePem { get; private set; } = null!;

    public string TokenSigningKeyPem { get; private set; } = null!;

    internal TestFederation Federation => Gateway.Federation;

    /// <summary>Admin API of the token server and of the gateway, both with an administrator's token from the token server.</summary>
    public AdminService.AdminServiceClient TokenServerAdmin { get; private set; } = null!;

    public AdminService.AdminServiceClient GatewayAdmin { get; private set; } = null!;

    public GatewayTokenProvider Analyst { get; private set; } = null!;

    public static GatewayCredentials AnalystCredentials => GatewayCredentials.ForSecret(GatewayFixture.AnalystId, AnalystSecret, FederationScopes.Query);

    public async Task InitializeAsync()
    {
        var federation = new TestFederation();
        using (var signing = federation.Authority.IssueTokenSigningCertificate("Test Token Server"))
        {
            TokenSigningCertificatePem = Path.Combine(federation.Directory, "token-signing.pem");
            TokenSigningKeyPem = Path.Combine(federation.Directory, "token-signing.key");
            CertificateFiles.SavePem(signing, TokenSigningCertificatePem, TokenSigningKeyPem);
        }

        // The issuer names the port, so the port is chosen before either host starts.
        Issuer = new Uri($"https://127.0.0.1:{FreePort()}/");
        Gateway = await GatewayFixture.StartAsync(
            options =>
            {
                options.TokenServerIssuer = Issuer.ToString();
                options.TokenServerSigningCertificatePath = TokenSigningCertificatePem;
            },
            federation: federation);
        TokenServer = StartTokenServer(federation, Issuer, TokenSigningCertificatePem, TokenSigningKeyPem);
        await TokenServer.StartAsync();
        await using (var scope = TokenServer.Services.CreateAsyncScope())
        {
            // The first administrator is made on the token server's own machine; everything after goes through the admin API.
            var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
            await registry.EnsureSecretClientAsync(GatewayFixture.AdminId, ClientKind.Admin, AdminSecret, replaceSecret: true, CancellationToken.None);
        }

        var admin = Own(new GatewayTokenProvider(Issuer, GatewayCredentials.ForSecret(GatewayFixture.AdminId, AdminSecret, FederationScopes.Admin), federation.Trust));
        TokenServerAdmin = new AdminService.AdminServiceClient(Own(GatewayChannel.Create(Issuer, federation.Trust, tokens: admin)));
        GatewayAdmin = new AdminService.AdminServiceClient(Own(GatewayChannel.Create(Gateway.Address, federation.Trust, tokens: admin)));

        // The analyst as `fed admin register-client --token-server` registers it: the secret from the token server, the
        // record at the gateway (which keeps no secret). The fixed secret replaces the generated one, for the tests.
        var registered = await TokenServerAdmin.RegisterClientAsync(new RegisterClientRequest { ClientId = GatewayFixture.AnalystId, Role = ClientRole.Analyst });
        Assert.NotEmpty(registered.ClientSecret);
        await using (var scope = TokenServer.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClientRegistry>().EnsureSecretClientAsync(
                GatewayFixture.AnalystId, ClientKind.Analyst, AnalystSecret, replaceSecret: true, CancellationToken.None);
        }

        Analyst = Own(TokensFor(AnalystCredentials));
    }

    /// <summary>A token server over a fresh store in the federation's folder, listening where <paramref name="issuer"/> says.</summary>
    internal static WebApplication StartTokenServer(TestFederation federation, Uri issuer, string signingCertificate, string signingKey, Action<TokenServerOptions>? configure = null) =>
        TokenServerApplication.Create(
            [],
            options =>
            {
                options.DataDirectory = Path.Combine(federation.Directory, "token-server-" + issuer.Port);
                Directory.CreateDirectory(options.DataDirectory);
                options.TrustRootPath = federation.RootPem;
                options.Issuer = issuer.ToString();
                options.Port = issuer.Port;
                options.TlsCertificatePath = federation.GatewayCertificatePem;
                options.TlsPrivateKeyPath = federation.GatewayKeyPem;
                options.SigningCertificatePath = signingCertificate;
                options.SigningPrivateKeyPath = signingKey;
                configure?.Invoke(options);
            },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));

    /// <summary>Tokens from the token server for any credentials (the caller disposes the provider).</summary>
    public GatewayTokenProvider TokensFor(GatewayCredentials credentials) => new(Issuer, credentials, Federation.Trust);

    /// <summary>A channel to the gateway whose calls carry tokens from <paramref name="tokens"/>.</summary>
    public GrpcChannel GatewayChannelFor(GatewayTokenProvider tokens, GatewayRetryPolicy? retry = null) =>
        Own(GatewayChannel.Create(Gateway.Address, Federation.Trust, retry, tokens));

    /// <summary>The node of <paramref name="jurisdiction"/>, registered at the token server and the gateway, and its token provider.</summary>
    public Task<GatewayTokenProvider> NodeTokensAsync(string jurisdiction) =>
        _nodeTokens.GetOrAdd(jurisdiction, j => new Lazy<Task<GatewayTokenProvider>>(async () =>
        {
            await RegisterNodeAtBothAsync(Federation.Node(j));
            return Own(TokensFor(GatewayCredentials.ForNode(GatewayFixture.NodeId(j), Federation.Node(j))));
        })).Value;

    /// <summary>What <c>fed admin register-node --token-server</c> does: the token server first, then the gateway.</summary>
    public async Task RegisterNodeAtBothAsync(X509Certificate2 certificate)
    {
        var request = new RegisterNodeRequest { CertificatePem = certificate.ExportCertificatePem() };
        await TokenServerAdmin.RegisterNodeAsync(request);
        await GatewayAdmin.RegisterNodeAsync(request);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await TokenServer.StopAsync();
        await TokenServer.DisposeAsync();
        await Gateway.DisposeAsync();
    }

    /// <summary>A TCP port free at this moment on 127.0.0.1.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        lock (_owned)
        {
            _owned.Add(disposable);
        }

        return disposable;
    }
}
