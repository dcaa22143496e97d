using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Gateway.Identity;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federation.Benchmarks;

/// <summary>
/// A real gateway for a benchmark: a throw-away federation (root CA, TLS, log and signing keys, node certificates) in a
/// temporary folder, the gateway on 127.0.0.1 over TLS with its SQLite files or a PostgreSQL database, an analyst client,
/// and releases of trafficking.victims.v1 signed by the nodes.
/// </summary>
internal sealed class BenchmarkGateway : IAsyncDisposable
{
    public const string AnalystId = "benchmark-analyst";
    private const string AnalystSecret = "benchmark-analyst-secret";
    private const string LogOrigin = "benchmark.federation/log";

    private readonly string _folder;
    private readonly string? _postgresConnectionString;
    private readonly FederationCertificateAuthority _authority;
    private readonly ConcurrentDictionary<string, X509Certificate2> _nodes;
    private readonly bool _isReplica;

    private BenchmarkGateway(
        string folder, string? postgresConnectionString, FederationCertificateAuthority authority, FederationTrust trust, WebApplication app, BenchmarkGateway? replicaOf = null)
    {
        _folder = folder;
        _postgresConnectionString = postgresConnectionString;
        _authority = authority;
        _nodes = replicaOf?._nodes ?? new();
        _isReplica = replicaOf is not null;
        Trust = trust;
        App = app;
        Analyst = new GatewayTokenProvider(Address, GatewayCredentials.ForSecret(AnalystId, AnalystSecret, FederationScopes.Query), trust);
        AnalystChannel = GatewayChannel.Create(Address, trust, tokens: Analyst);
        AnonymousChannel = GatewayChannel.Create(Address, trust);
    }

    public static DatasetDefinition Dataset => DatasetCatalog.Default.Get("trafficking.victims.v1");

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public Uri Address => App.GetListeningAddress();

    public FederationTrust Trust { get; }

    public GatewayTokenProvider Analyst { get; }

    /// <summary>A channel whose calls carry the analyst's token (scope federation.query).</summary>
    public GrpcChannel AnalystChannel { get; }

    /// <summary>A channel without a token (health checks).</summary>
    public GrpcChannel AnonymousChannel { get; }

    /// <summary>Starts a gateway on SQLite files (<paramref name="postgresConnectionString"/> null) or on that PostgreSQL database.</summary>
    public static async Task<BenchmarkGateway> StartAsync(string? postgresConnectionString = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "federation-benchmarks", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var authority = FederationCertificateAuthority.Create("Benchmark Federation Root");
        var rootPem = Path.Combine(folder, "root.pem");
        CertificateFiles.SavePem(authority.Certificate, rootPem);
        using (var tls = authority.IssueGatewayCertificate(["localhost"], [IPAddress.Loopback]))
        {
            CertificateFiles.SavePem(tls, Path.Combine(folder, "tls.pem"), Path.Combine(folder, "tls.key"));
        }

        using (var signing = authority.IssueGatewaySigningCertificate("Benchmark Gateway Signer"))
        {
            CertificateFiles.SavePem(signing, Path.Combine(folder, "signing.pem"), Path.Combine(folder, "signing.key"));
        }

        using (var logKey = LogSigningKey.Create(LogOrigin))
        {
            logKey.Save(Path.Combine(folder, "log.key"), Path.Combine(folder, "log.pub"));
        }

        var app = await StartAppAsync(folder, postgresConnectionString);
        return new BenchmarkGateway(folder, postgresConnectionString, authority, FederationTrust.FromPemFile(rootPem), app);
    }

    /// <summary>Another gateway process on the same PostgreSQL database, keys and trust (a replica), which follows this one's appends.</summary>
    public async Task<BenchmarkGateway> StartReplicaAsync()
    {
        var postgres = _postgresConnectionString ?? throw new InvalidOperationException("Replicas share a PostgreSQL database; this gateway runs on SQLite.");
        return new BenchmarkGateway(_folder, postgres, _authority, Trust, await StartAppAsync(_folder, postgres), this);
    }

    private static async Task<WebApplication> StartAppAsync(string folder, string? postgresConnectionString)
    {
        var rootPem = Path.Combine(folder, "root.pem");
        // Development: the port is chosen at start-up, so the token issuer is the address the gateway is called at.
        var app = GatewayApplication.Create(
            ["--environment", Environments.Development],
            options =>
            {
                options.DataDirectory = folder;
                options.TrustRootPath = rootPem;
                options.TlsCertificatePath = Path.Combine(folder, "tls.pem");
                options.TlsPrivateKeyPath = Path.Combine(folder, "tls.key");
                options.LogSigningKeyPath = Path.Combine(folder, "log.key");
                options.LogOrigin = LogOrigin;
                options.SigningCertificatePath = Path.Combine(folder, "signing.pem");
                options.SigningPrivateKeyPath = Path.Combine(folder, "signing.key");
                options.Port = 0;
                if (postgresConnectionString is not null)
                {
                    options.Store = GatewayOptions.PostgresStore;
                    options.ConnectionString = postgresConnectionString;
                }
            },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
            await registry.EnsureSecretClientAsync(AnalystId, ClientKind.Analyst, AnalystSecret, replaceSecret: true, CancellationToken.None);
        }

        return app;
    }

    /// <summary>The node certificate (with key) of a jurisdiction, issued once.</summary>
    public X509Certificate2 Node(string jurisdiction) =>
        _nodes.GetOrAdd(jurisdiction, j => _authority.IssueNodeCertificate(j, $"node-{j.ToLowerInvariant()}"));

    /// <summary>A complete release of one jurisdiction and year (see <see cref="Release"/>), signed by its node.</summary>
    public SignedEnvelope SignedRelease(string jurisdiction, int year, DateTimeOffset producedAt, Random random)
    {
        var bytes = Release(jurisdiction, year, producedAt, random).ToByteArray();
        return new SignedEnvelope
        {
            Submission = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(SubmissionSigner.Sign(bytes, Node(jurisdiction), DateTimeOffset.UtcNow)),
        };
    }

    /// <summary>
    /// A complete release of one jurisdiction and year: every cell holds a value drawn from <paramref name="random"/>
    /// (multiples of 5 below 100; T0 between 100 and 400), produced at <paramref name="producedAt"/>.
    /// </summary>
    public static Submission Release(string jurisdiction, int year, DateTimeOffset producedAt, Random random)
    {
        var dataset = Dataset;
        var submission = new Submission
        {
            DatasetId = dataset.Id,
            Jurisdiction = jurisdiction,
            ReferenceYear = year,
            ProducedAt = Timestamp.FromDateTimeOffset(producedAt),
            NodeId = $"node-{jurisdiction.ToLowerInvariant()}",
            Protection = dataset.Protection.ToDeclaration(),
        };
        foreach (var table in dataset.Tables)
        {
            var release = new TableRelease { TableId = table.Id };
            foreach (var codes in table.EnumerateCells())
            {
                var cell = new Cell { Value = table.Dimensions.Count == 0 ? random.Next(100, 400) : 5 * random.Next(0, 20) };
                cell.Codes.AddRange(codes);
                release.Cells.Add(cell);
            }

            submission.Tables.Add(release);
        }

        return submission;
    }

    public async ValueTask DisposeAsync()
    {
        AnalystChannel.Dispose();
        AnonymousChannel.Dispose();
        Analyst.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_isReplica)
        {
            return; // the federation, its folder and node certificates are the first gateway's
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var node in _nodes.Values)
        {
            node.Dispose();
        }

        _authority.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held for a moment: the temp folder is cleaned by the OS.
        }
    }
}
