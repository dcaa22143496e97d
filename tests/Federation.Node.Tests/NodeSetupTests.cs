using Federation.Node.Setup;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;

namespace Federation.Node.Tests;

/// <summary>`fed node init` from the administrator's bundle: every file a node needs, made on the node, never replaced.</summary>
public sealed class NodeSetupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("federation-node-setup-").FullName;
    private readonly FederationCertificateAuthority _authority = FederationCertificateAuthority.Create("Test Federation Root");

    public NodeSetupTests()
    {
        _authority.SaveTo(PathOf("admin/root.pem"), PathOf("admin/root.key"));
        using var logKey = LogSigningKey.Create("gateway.example.ca/log");
        logKey.Save(PathOf("admin/log.key"), PathOf("admin/log.pub"));
    }

    [Fact]
    public void A_node_set_up_from_the_bundle_is_usable_once_its_certificate_comes_back()
    {
        var bundle = Bundle();
        bundle.Save(PathOf("node-ns.bundle.json"));
        File.WriteAllText(PathOf("cases.csv"), string.Empty);

        var made = NodeSetup.Initialize(NodeBundle.Load(PathOf("node-ns.bundle.json")), PathOf("etc"), PathOf("state"), PathOf("cases.csv"), TimeProvider.System);

        // Before the certificate: the configuration is complete but for it.
        var configuration = NodeConfiguration.Read(made.Configuration);
        Assert.Equal(["signing.certificate: file '" + PathOf("etc/node.pem") + "' does not exist."], configuration.Validate());
        Assert.Equal("NS", configuration.Jurisdiction);
        Assert.Equal("https://gateway.example.ca:7443/", configuration.Gateway.Address);
        Assert.Equal(File.ReadAllText(PathOf("admin/log.pub")).Trim(), File.ReadAllText(PathOf("etc/log.pub")).Trim());
        Assert.Equal(PathOf("state"), configuration.Resolve(configuration.StateDirectory));
        Assert.Equal(4, configuration.ReferenceYears.Count);
        Assert.Equal(DateTime.UtcNow.Year - 1, configuration.ReferenceYears[^1]);
        Assert.Equal(NodeProtectionKey.Length, new FileInfo(PathOf("etc/rounding.key")).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("etc/rounding.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("etc/node.key")));
        }

        // The administrator issues the certificate from the node's request: key, jurisdiction, node id and root all agree.
        using (var certificate = _authority.IssueNodeCertificateFromRequest(File.ReadAllText(made.CertificateRequest), "NS"))
        {
            CertificateFiles.SavePem(certificate, made.Certificate);
        }

        var complete = NodeConfiguration.Load(made.Configuration);
        Assert.Empty(complete.Validate());
        Assert.Empty(NodeIdentity.Problems(complete, DateTimeOffset.UtcNow));
        using var root = CertificateFiles.LoadCertificate(PathOf("admin/root.pem"));
        Assert.Equal(NodeBundle.Fingerprint(root), made.TrustRootFingerprint);
    }

    [Fact]
    public void Set_up_never_replaces_a_file_and_writes_nothing_when_one_exists()
    {
        Directory.CreateDirectory(PathOf("etc"));
        File.WriteAllText(PathOf("etc/rounding.key"), "kept");

        var error = Assert.Throws<IOException>(() => NodeSetup.Initialize(Bundle(), PathOf("etc"), "state", "cases.csv", TimeProvider.System));

        Assert.Contains($"'{PathOf("etc")}' already holds rounding.key", error.Message, StringComparison.Ordinal);
        Assert.Equal(["rounding.key"], Directory.GetFiles(PathOf("etc")).Select(Path.GetFileName));
        Assert.Equal("kept", File.ReadAllText(PathOf("etc/rounding.key")));
    }

    [Theory]
    [InlineData("gatewayAddress", "http://gateway.example.ca:7443/", "gateway address: 'http://gateway.example.ca:7443/' is not an https:// address")]
    [InlineData("jurisdiction", "XX", "jurisdiction: 'XX' is not one of")]
    [InlineData("logVerifierKey", "not a key", "not a log verifier key")]
    [InlineData("format", "something.else", "is not a node bundle (federation.node-bundle.v1)")]
    public void A_bundle_that_cannot_be_used_is_refused_naming_the_file_and_what_is_wrong(string field, string value, string expected)
    {
        var path = PathOf("bundle.json");
        Bundle().Save(path);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        json[field] = value;
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<InvalidDataException>(() => NodeBundle.Load(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private NodeBundle Bundle() => NodeBundle.Create(
        "NS", "node-ns", "trafficking.victims.v1", new Uri("https://gateway.example.ca:7443/"), PathOf("admin/root.pem"), PathOf("admin/log.pub"), tokenIssuer: null);

    private string PathOf(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
