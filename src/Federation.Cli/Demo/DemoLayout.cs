using System.Text.Json;

namespace Federation.Cli.Demo;

/// <summary>Where a development federation keeps its files inside its data folder.</summary>
internal sealed class DemoLayout(string root)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The default data folder: the user's local application data, so the demo needs no flag.</summary>
    public static string DefaultRoot { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "federation",
        "demo");

    public string Root { get; } = Path.GetFullPath(root);

    public string FederationDirectory => Path.Combine(Root, "federation");

    public string RootCertificate => Path.Combine(FederationDirectory, "root.pem");

    public string RootPrivateKey => Path.Combine(FederationDirectory, "root.key");

    public string GatewayDirectory => Path.Combine(Root, "gateway");

    public string GatewayCertificate => Path.Combine(GatewayDirectory, "tls.pem");

    public string GatewayPrivateKey => Path.Combine(GatewayDirectory, "tls.key");

    public string EndpointFile => Path.Combine(GatewayDirectory, "endpoint.json");

    /// <summary>The transparency log's private key (PEM, ECDSA P-256).</summary>
    public string LogSigningKey => Path.Combine(GatewayDirectory, "log.key");

    /// <summary>The log's public verifier key (one line), which nodes and auditors pin.</summary>
    public string LogVerifierKey => Path.Combine(GatewayDirectory, "log.pub");

    /// <summary>Where `fed log verify --data` keeps the last checkpoint it verified.</summary>
    public string AuditorDirectory => Path.Combine(Root, "auditor");

    /// <summary>The gateway's signing certificate (receipts, access tokens).</summary>
    public string GatewaySigningCertificate => Path.Combine(GatewayDirectory, "signing.pem");

    public string GatewaySigningPrivateKey => Path.Combine(GatewayDirectory, "signing.key");

    public string ClientsDirectory => Path.Combine(Root, "clients");

    /// <summary>The demo analyst's client id and secret (owner-only), used by `fed query` and `fed datasets`.</summary>
    public string AnalystCredentials => Path.Combine(ClientsDirectory, "analyst.json");

    /// <summary>The demo administrator's client id and secret (owner-only), used by `fed admin`.</summary>
    public string AdminCredentials => Path.Combine(ClientsDirectory, "admin.json");

    /// <summary>The demo referral desk's client id and secret (owner-only), used by `fed services find` and `fed services watch`.</summary>
    public string ReferralCredentials => Path.Combine(ClientsDirectory, "referral.json");

    public string NodeDirectory(string jurisdiction) => Path.Combine(Root, "nodes", jurisdiction);

    public string NodeConfiguration(string jurisdiction) => Path.Combine(NodeDirectory(jurisdiction), "node.json");

    /// <summary>Records where the running gateway listens, for `fed query --data`.</summary>
    public void WriteEndpoint(Uri address) =>
        File.WriteAllText(EndpointFile, JsonSerializer.Serialize(new GatewayEndpoint(address, RootCertificate), s_json));

    public GatewayEndpoint? ReadEndpoint() =>
        File.Exists(EndpointFile) ? JsonSerializer.Deserialize<GatewayEndpoint>(File.ReadAllText(EndpointFile), s_json) : null;
}

/// <summary>The address of a running demo gateway and the root its certificate chains to.</summary>
internal sealed record GatewayEndpoint(Uri Address, string TrustRoot);
