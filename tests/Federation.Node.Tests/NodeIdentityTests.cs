using System.Security.Cryptography;
using Federation.Node.Hosting;
using Federation.Sdk.Trust;

namespace Federation.Node.Tests;

/// <summary>The node's identity is checked before anything is read, signed or charged: each mismatch is named with what to do.</summary>
public sealed class NodeIdentityTests : IDisposable
{
    private readonly NodeFolder _folder = new();

    [Fact]
    public void The_certificate_issued_to_the_configured_node_by_the_federation_root_is_usable()
    {
        Assert.Empty(NodeIdentity.Problems(Configuration(), DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_certificate_of_another_jurisdiction_is_refused_naming_both()
    {
        var configuration = Configuration();
        configuration.Jurisdiction = "NB";

        var problem = Assert.Single(NodeIdentity.Problems(configuration, DateTimeOffset.UtcNow));

        Assert.Contains($"signing.certificate: the certificate '{_folder.PathOf("node.pem")}' is bound to jurisdiction NS, but jurisdiction is NB", problem, StringComparison.Ordinal);
        Assert.Contains("ask the administrator for a certificate bound to NB", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_of_another_node_is_refused_naming_both_ids()
    {
        var configuration = Configuration();
        configuration.NodeId = "node-ns-2";

        var problem = Assert.Single(NodeIdentity.Problems(configuration, DateTimeOffset.UtcNow));

        Assert.Contains("was issued to node 'node-ns', but nodeId is 'node-ns-2'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_certificate_is_refused_with_the_rotation_steps()
    {
        using var certificate = CertificateFiles.LoadCertificate(_folder.PathOf("node.pem"));
        var expiry = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());

        var problem = Assert.Single(NodeIdentity.Problems(Configuration(), expiry.AddDays(1)));

        Assert.Contains($"expired on {expiry.UtcDateTime:u}", problem, StringComparison.Ordinal);
        Assert.Contains("fed node enrol", problem, StringComparison.Ordinal);
        Assert.Contains("fed admin register-node", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_not_yet_valid_points_at_the_clock()
    {
        using var certificate = CertificateFiles.LoadCertificate(_folder.PathOf("node.pem"));

        var problem = Assert.Single(NodeIdentity.Problems(Configuration(), new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).AddDays(-1)));

        Assert.Contains("is not valid before", problem, StringComparison.Ordinal);
        Assert.Contains("clock", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_from_another_authority_is_refused_naming_its_issuer()
    {
        using (var other = FederationCertificateAuthority.Create("Another Root"))
        using (var node = other.IssueNodeCertificate("NS", "node-ns"))
        {
            CertificateFiles.SavePem(node, _folder.PathOf("node.pem"), _folder.PathOf("node.key"));
        }

        var problem = Assert.Single(NodeIdentity.Problems(Configuration(), DateTimeOffset.UtcNow));

        Assert.Contains($"does not chain to the federation root in '{_folder.PathOf("root.pem")}'", problem, StringComparison.Ordinal);
        Assert.Contains("CN=Another Root", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_that_is_not_the_certificates_is_refused_naming_both_files()
    {
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            CertificateFiles.SavePrivateKeyPem(key, _folder.PathOf("node.key"));
        }

        var problem = Assert.Single(NodeIdentity.Problems(Configuration(), DateTimeOffset.UtcNow));

        Assert.StartsWith($"signing.privateKey: '{_folder.PathOf("node.key")}' is not the private key of the certificate '{_folder.PathOf("node.pem")}'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_certificate_is_named()
    {
        File.WriteAllText(_folder.PathOf("node.pem"), "not a certificate");

        var problem = Assert.Single(NodeIdentity.Problems(Configuration(), DateTimeOffset.UtcNow));

        Assert.StartsWith($"signing.certificate: '{_folder.PathOf("node.pem")}' is not a PEM certificate", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_start_up_check_refuses_a_node_whose_identity_does_not_match_its_configuration()
    {
        var path = _folder.WriteConfiguration("""[ { "adapter": "csv", "options": { "path": "cases.csv" } } ]""");
        File.WriteAllText(_folder.PathOf("cases.csv"), string.Empty);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"node-ns\"", "\"node-other\"", StringComparison.Ordinal));

        var error = Assert.Throws<NodeConfigurationException>(() => NodeStartup.Check(new NodeHostSettings { ConfigurationPath = path, Once = true }, TimeProvider.System));

        Assert.Contains("was issued to node 'node-ns', but nodeId is 'node-other'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private NodeConfiguration Configuration() =>
        NodeConfiguration.Load(_folder.WriteConfiguration("""[ { "adapter": "csv", "options": { "path": "cases.csv" } } ]"""));
}
