using System.Net;
using System.Security.Cryptography;
using Federation.Gateway.Identity;
using Federation.Node;
using Federation.Node.Setup;
using Federation.Sdk.Catalog;
using Federation.Sdk.Identity;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Cli.Demo;

/// <summary>
/// Creates (once) the files of a development federation: a root CA, the gateway's TLS certificate, and for each of the
/// thirteen jurisdictions a node certificate bound to it, the gateway's signing certificate, analyst and administrator secrets, a rounding key, synthetic case records and a node
/// configuration. Existing files are kept, so edited case records lead to revisions on the next run.
/// </summary>
internal sealed class DevelopmentFederation(DemoLayout layout, TimeProvider timeProvider)
{
    public static readonly IReadOnlyList<int> Years = [2019, 2020, 2021, 2022, 2023, 2024];

    /// <summary>The demo log's origin (checkpoint first line and key name).</summary>
    public const string LogOrigin = "localhost/federation-demo-log";

    /// <summary>Makes whatever is missing; returns a line per thing created.</summary>
    public IReadOnlyList<string> EnsureCreated()
    {
        var created = new List<string>();
        Directory.CreateDirectory(layout.FederationDirectory);
        Directory.CreateDirectory(layout.GatewayDirectory);

        using var authority = LoadOrCreateAuthority(created);
        if (!File.Exists(layout.GatewayCertificate) || !File.Exists(layout.GatewayPrivateKey))
        {
            using var tls = authority.IssueGatewayCertificate(["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback]);
            CertificateFiles.SavePem(tls, layout.GatewayCertificate, layout.GatewayPrivateKey);
            created.Add("gateway TLS certificate");
        }

        if (!File.Exists(layout.LogSigningKey) || !File.Exists(layout.LogVerifierKey))
        {
            using var logKey = LogSigningKey.Create(LogOrigin);
            logKey.Save(layout.LogSigningKey, layout.LogVerifierKey);
            created.Add("transparency log key (ECDSA P-256)");
        }

        if (!File.Exists(layout.GatewaySigningCertificate) || !File.Exists(layout.GatewaySigningPrivateKey))
        {
            using var signing = authority.IssueGatewaySigningCertificate("Federation Development Gateway Signer");
            CertificateFiles.SavePem(signing, layout.GatewaySigningCertificate, layout.GatewaySigningPrivateKey);
            created.Add("gateway signing certificate (receipts, access tokens)");
        }

        Directory.CreateDirectory(layout.ClientsDirectory);
        foreach (var (path, clientId, scope) in new[]
        {
            (layout.AnalystCredentials, AnalystClientId, FederationScopes.Query),
            (layout.AdminCredentials, AdminClientId, FederationScopes.Admin),
            (layout.ReferralCredentials, ReferralClientId, FederationScopes.Referral),
        })
        {
            if (!File.Exists(path))
            {
                new ClientSecretFile(clientId, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), [scope]).Save(path);
                created.Add($"client secret of '{clientId}' ({Path.GetRelativePath(layout.Root, path)}, owner-only)");
            }
        }

        var nodes = 0;
        foreach (var jurisdiction in Jurisdiction.All)
        {
            if (EnsureNode(authority, jurisdiction))
            {
                nodes++;
            }
        }

        if (nodes > 0)
        {
            created.Add($"{nodes} node certificate(s), rounding keys, synthetic case records and service directories");
        }

        return created;
    }

    public const string AnalystClientId = "demo-analyst";
    public const string AdminClientId = "demo-admin";
    public const string ReferralClientId = "demo-referral-desk";

    /// <summary>
    /// Enrols everything with a started gateway, as an administrator would: each node's certificate (its key becomes
    /// the node's private_key_jwt key) and the analyst and administrator with their secrets. Idempotent.
    /// </summary>
    public async Task EnrolAsync(IServiceProvider gatewayServices, CancellationToken cancellationToken)
    {
        await using var scope = gatewayServices.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
        foreach (var jurisdiction in Jurisdiction.All)
        {
            using var certificate = CertificateFiles.LoadCertificate(Path.Combine(layout.NodeDirectory(jurisdiction), "node.pem"));
            await registry.RegisterNodeAsync(certificate, cancellationToken);
        }

        foreach (var (path, kind) in new[] { (layout.AnalystCredentials, ClientKind.Analyst), (layout.AdminCredentials, ClientKind.Admin), (layout.ReferralCredentials, ClientKind.Referral) })
        {
            var file = ClientSecretFile.Load(path);
            await registry.EnsureSecretClientAsync(file.ClientId, kind, file.ClientSecret, replaceSecret: true, cancellationToken);
        }
    }

    /// <summary>
    /// Points every node's configuration at the gateway's current address; given several replicas' addresses, spreads
    /// the nodes across them (<see cref="NodesOf"/>).
    /// </summary>
    public void ConfigureNodes(params IReadOnlyList<Uri> gatewayAddresses)
    {
        ArgumentOutOfRangeException.ThrowIfZero(gatewayAddresses.Count);
        for (var replica = 0; replica < gatewayAddresses.Count; replica++)
        {
            foreach (var jurisdiction in NodesOf(replica, gatewayAddresses.Count))
            {
                ConfigureNode(jurisdiction, gatewayAddresses[replica]);
            }
        }
    }

    /// <summary>The nodes that send to replica <paramref name="replica"/> (from 0) of <paramref name="replicas"/>: every replicas-th jurisdiction.</summary>
    public static IReadOnlyList<string> NodesOf(int replica, int replicas) =>
        Jurisdiction.All.Where((_, position) => position % replicas == replica).ToArray();

    private void ConfigureNode(string jurisdiction, Uri gatewayAddress)
    {
        var configuration = new NodeConfiguration
        {
            Jurisdiction = jurisdiction,
            NodeId = NodeId(jurisdiction),
            DatasetId = "trafficking.victims.v1",
            Gateway = new NodeConfiguration.GatewaySettings
            {
                Address = gatewayAddress.ToString(),
                TrustRoot = Path.GetRelativePath(layout.NodeDirectory(jurisdiction), layout.RootCertificate),
                LogVerifierKey = Path.GetRelativePath(layout.NodeDirectory(jurisdiction), layout.LogVerifierKey),
            },
            Signing = new NodeConfiguration.SigningSettings { Certificate = "node.pem", PrivateKey = "node.key" },
            Protection = new NodeConfiguration.ProtectionSettings { KeyFile = "rounding.key" },
            ReferenceYears = [.. Years],
            Sources = [new NodeConfiguration.SourceSettings { Name = "cases", Adapter = "csv", Options = new() { ["path"] = "cases.csv" } }],
            Datasets =
            [
                new NodeConfiguration.DatasetSettings
                {
                    DatasetId = "trafficking.prosecutions.v1",
                    ReferenceYears = [.. Years],
                    Sources = [new NodeConfiguration.SourceSettings { Name = "court-cases", Adapter = "csv", Options = new() { ["path"] = CourtCasesFile } }],
                },
            ],
            ServiceDirectory = new NodeConfiguration.ServiceDirectorySettings
            {
                Sources = [new NodeConfiguration.SourceSettings { Name = "services", Adapter = "csv", Options = new() { ["path"] = ServicesFile } }],
                CapacityFeed = CapacityFile,
            },
            StateDirectory = "state",
        };
        configuration.Save(layout.NodeConfiguration(jurisdiction));
    }

    private FederationCertificateAuthority LoadOrCreateAuthority(List<string> created)
    {
        if (File.Exists(layout.RootCertificate) && File.Exists(layout.RootPrivateKey))
        {
            return FederationCertificateAuthority.Load(layout.RootCertificate, layout.RootPrivateKey);
        }

        var authority = FederationCertificateAuthority.Create("Federation Development Root CA", timeProvider);
        authority.SaveTo(layout.RootCertificate, layout.RootPrivateKey);
        created.Add("federation root CA (development)");
        return authority;
    }

    private bool EnsureNode(FederationCertificateAuthority authority, string jurisdiction)
    {
        var directory = layout.NodeDirectory(jurisdiction);
        Directory.CreateDirectory(directory);
        var made = false;
        var certificate = Path.Combine(directory, "node.pem");
        var key = Path.Combine(directory, "node.key");
        if (!File.Exists(certificate) || !File.Exists(key))
        {
            using var node = authority.IssueNodeCertificate(jurisdiction, NodeId(jurisdiction));
            CertificateFiles.SavePem(node, certificate, key);
            made = true;
        }

        var roundingKey = Path.Combine(directory, "rounding.key");
        if (!File.Exists(roundingKey))
        {
            NodeProtectionKey.Create(roundingKey);
            made = true;
        }

        var cases = Path.Combine(directory, "cases.csv");
        if (!File.Exists(cases))
        {
            SyntheticCaseData.WriteCsv(cases, jurisdiction, Years, seed: StableSeed(jurisdiction));
            made = true;
        }

        var courtCases = Path.Combine(directory, CourtCasesFile);
        if (!File.Exists(courtCases))
        {
            SyntheticCourtCaseData.WriteCsv(courtCases, jurisdiction, Years, seed: StableSeed(jurisdiction));
            made = true;
        }

        if (!File.Exists(Path.Combine(directory, ServicesFile)) || !File.Exists(Path.Combine(directory, CapacityFile)))
        {
            SyntheticDirectoryData.Write(
                Path.Combine(directory, ServicesFile), Path.Combine(directory, CapacityFile), jurisdiction, StableSeed(jurisdiction), timeProvider.GetUtcNow(), Years[0]);
            made = true;
        }

        return made;
    }

    /// <summary>A node's synthetic adult criminal court cases (trafficking.prosecutions.v1, fiscal years).</summary>
    public const string CourtCasesFile = "court-cases.csv";

    /// <summary>A node's synthetic service directory export and capacity feed (CSV directory adapter format).</summary>
    public const string ServicesFile = "services.csv";

    public const string CapacityFile = "capacity.csv";

    private static string NodeId(string jurisdiction) => $"node-{jurisdiction.ToLowerInvariant()}";

    private static int StableSeed(string jurisdiction) => (jurisdiction[0] * 31) + jurisdiction[1];
}
