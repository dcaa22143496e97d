using System.Collections.Concurrent;
using System.Security.Cryptography.Pkcs;
using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Gateway.Identity;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federation.Gateway.Tests;

/// <summary>
/// A real gateway on 127.0.0.1 (Kestrel, TLS, HTTP/2) with a fresh SQLite store, and clients for it. Authentication is
/// transparent: <see cref="Channel"/> (catalogue, queries, health) carries an analyst's token, <see cref="SubmitAsync"/>
/// the token of the node whose certificate signed the envelope (each node is enrolled the first time it is used).
/// </summary>
internal sealed class GatewayFixture : IAsyncDisposable
{
    public const string AnalystId = "test-analyst";
    public const string AdminId = "test-admin";
    public const string ReferralId = "test-referral-desk";
    internal const string AnalystSecret = "analyst-secret-for-tests-only";
    private const string ReferralSecret = "referral-secret-for-tests-only";
    private const string AdminSecret = "admin-secret-for-tests-only";

    private readonly ConcurrentDictionary<string, Lazy<Task<GatewayTokenProvider>>> _nodeTokens = new();
    private readonly List<IDisposable> _owned = [];
    private readonly GrpcChannel _anonymous;
    private bool _federationHandedOver;

    private GatewayFixture(TestFederation federation, WebApplication app)
    {
        Federation = federation;
        App = app;
        Analyst = Own(new GatewayTokenProvider(Address, AnalystCredentials, federation.Trust));
        Channel = GatewayChannel.Create(Address, federation.Trust, tokens: Analyst);
        Referral = Own(new GatewayTokenProvider(Address, ReferralCredentials, federation.Trust));
        ReferralChannel = GatewayChannel.Create(Address, federation.Trust, tokens: Referral);
        _anonymous = GatewayChannel.Create(Address, federation.Trust);
        Submissions = new SubmissionService.SubmissionServiceClient(_anonymous);
        Queries = new QueryService.QueryServiceClient(Channel);
        Catalog = new CatalogService.CatalogServiceClient(Channel);
    }

    public TestFederation Federation { get; }

    public WebApplication App { get; }

    /// <summary>A channel whose calls carry the analyst's token (scope federation.query).</summary>
    public GrpcChannel Channel { get; }

    /// <summary>A channel whose calls carry a referral desk's token (scope federation.referral: exact capacity, watches).</summary>
    public GrpcChannel ReferralChannel { get; }

    public Uri Address => App.GetListeningAddress();

    /// <summary>A channel without a token: pass one per call in the Authorization header.</summary>
    public GrpcChannel AnonymousChannel => _anonymous;

    /// <summary>Submission client on a channel without a token: pass one per call, or use <see cref="SubmitAsync"/>.</summary>
    public SubmissionService.SubmissionServiceClient Submissions { get; }

    public QueryService.QueryServiceClient Queries { get; }

    public CatalogService.CatalogServiceClient Catalog { get; }

    /// <summary>The analyst's token provider.</summary>
    public GatewayTokenProvider Analyst { get; }

    /// <summary>The referral desk's token provider.</summary>
    public GatewayTokenProvider Referral { get; }

    public static GatewayCredentials AnalystCredentials => GatewayCredentials.ForSecret(AnalystId, AnalystSecret, FederationScopes.Query);

    public static GatewayCredentials ReferralCredentials => GatewayCredentials.ForSecret(ReferralId, ReferralSecret, FederationScopes.Referral);

    public static GatewayCredentials AdminCredentials => GatewayCredentials.ForSecret(AdminId, AdminSecret, FederationScopes.Admin);

    /// <summary>
    /// Starts a gateway; it owns <paramref name="federation"/> (a new one when null) and disposes it. It runs in the
    /// Development environment unless told otherwise: it gets a free port, so its token issuer is the address it is
    /// called at (outside development Gateway:TokenIssuer must be configured).
    /// </summary>
    public static async Task<GatewayFixture> StartAsync(
        Action<GatewayOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null, TestFederation? federation = null, string? environment = null)
    {
        federation ??= new TestFederation();
        var app = GatewayApplication.Create(
            ["--environment", environment ?? Environments.Development],
            options =>
            {
                options.DataDirectory = federation.Directory;
                options.TrustRootPath = federation.RootPem;
                options.TlsCertificatePath = federation.GatewayCertificatePem;
                options.TlsPrivateKeyPath = federation.GatewayKeyPem;
                options.LogSigningKeyPath = federation.LogKeyPem;
                options.LogOrigin = TestFederation.LogOrigin;
                options.SigningCertificatePath = federation.GatewaySigningCertificatePem;
                options.SigningPrivateKeyPath = federation.GatewaySigningKeyPem;
                options.Port = 0;
                configure?.Invoke(options);
            },
            builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                configureBuilder?.Invoke(builder);
            });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            federation.Dispose();
            throw;
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
            await registry.EnsureSecretClientAsync(AnalystId, ClientKind.Analyst, AnalystSecret, replaceSecret: true, CancellationToken.None);
            await registry.EnsureSecretClientAsync(AdminId, ClientKind.Admin, AdminSecret, replaceSecret: true, CancellationToken.None);
            await registry.EnsureSecretClientAsync(ReferralId, ClientKind.Referral, ReferralSecret, replaceSecret: true, CancellationToken.None);
        }

        return new GatewayFixture(federation, app);
    }

    /// <summary>
    /// Stops this gateway and starts a new one on the same data folder and federation, as a process restart would;
    /// this fixture is spent, the new one owns the federation.
    /// </summary>
    public async Task<GatewayFixture> RestartAsync()
    {
        _federationHandedOver = true;
        await DisposeAsync();
        return await StartAsync(federation: Federation);
    }

    /// <summary>Runs <paramref name="action"/> with the gateway's client registry, as an administrator tool would.</summary>
    public async Task<T> WithRegistryAsync<T>(Func<ClientRegistry, Task<T>> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ClientRegistry>());
    }

    /// <summary>The token provider of the node of <paramref name="jurisdiction"/> (private_key_jwt with its certificate), enrolling it first.</summary>
    public Task<GatewayTokenProvider> NodeTokensAsync(string jurisdiction) =>
        _nodeTokens.GetOrAdd(jurisdiction, j => new Lazy<Task<GatewayTokenProvider>>(async () =>
        {
            var certificate = Federation.Node(j);
            await WithRegistryAsync(registry => registry.RegisterNodeAsync(certificate, CancellationToken.None));
            return Own(new GatewayTokenProvider(Address, GatewayCredentials.ForNode(NodeId(j), certificate), Federation.Trust));
        })).Value;

    /// <summary>A new token provider for any credentials (the caller disposes it).</summary>
    public GatewayTokenProvider TokensFor(GatewayCredentials credentials) => new(Address, credentials, Federation.Trust);

    /// <summary>A channel whose calls carry tokens from <paramref name="tokens"/> (the caller disposes it).</summary>
    public GrpcChannel ChannelFor(GatewayTokenProvider tokens, GatewayRetryPolicy? retry = null) =>
        GatewayChannel.Create(Address, Federation.Trust, retry, tokens);

    public static string NodeId(string jurisdiction) => $"node-{jurisdiction.ToLowerInvariant()}";

    /// <summary>Submits with the token of the node that signed the envelope (or, unsigned, of the payload's jurisdiction).</summary>
    public async Task<Receipt> SubmitAsync(SignedEnvelope envelope) => (await SubmitWithResponseAsync(envelope)).Receipt;

    public async Task<SubmitResponse> SubmitWithResponseAsync(SignedEnvelope envelope)
    {
        var tokens = await NodeTokensAsync(JurisdictionOf(envelope));
        return await Submissions.SubmitAsync(
            new SubmitRequest { Envelope = envelope },
            headers: await BearerAsync(tokens),
            deadline: DateTime.UtcNow.AddSeconds(30));
    }

    public async Task<QueryResponse> QueryAsync(QueryRequest request) =>
        await Queries.QueryAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));

    /// <summary>
    /// The gateway's audit records, newest first: reading waits until every record of a call made before is stored
    /// (audit records are stored by a background writer, in batches).
    /// </summary>
    public Task<IReadOnlyList<Audit.AuditRecord>> ReadAuditAsync(Audit.AuditQuery? query = null) =>
        App.Services.GetRequiredService<Audit.IAuditLog>().ReadAsync(query ?? new Audit.AuditQuery(), CancellationToken.None);

    public static async Task<Metadata> BearerAsync(GatewayTokenProvider tokens) =>
        new() { { "Authorization", "Bearer " + await tokens.GetAccessTokenAsync() } };

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        ReferralChannel.Dispose();
        _anonymous.Dispose();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_federationHandedOver)
        {
            Federation.Dispose();
        }
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

    private static string JurisdictionOf(SignedEnvelope envelope)
    {
        try
        {
            var cms = new SignedCms(new System.Security.Cryptography.Pkcs.ContentInfo(envelope.Submission.ToByteArray()), detached: true);
            cms.Decode(envelope.Signature.Span);
            if (cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } signer
                && FederationIdentity.GetJurisdiction(signer) is { } fromCertificate)
            {
                return fromCertificate;
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Not a signature: fall back to the payload.
        }

        try
        {
            var jurisdiction = Submission.Parser.ParseFrom(envelope.Submission).Jurisdiction;
            return Sdk.Catalog.Jurisdiction.IsValid(jurisdiction) ? jurisdiction : "ON";
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return "ON";
        }
    }
}
