using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Trust;

public sealed class FederationCertificateAuthorityTests
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Root_is_a_self_signed_P256_certificate_authority_valid_for_ten_years()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root", new FixedTimeProvider(s_now));
        var root = authority.Certificate;

        Assert.True(root.HasPrivateKey);
        Assert.Equal(root.SubjectName.RawData, root.IssuerName.RawData);
        Assert.True(root.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, root.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        using var key = root.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.InRange(root.NotAfter.ToUniversalTime() - s_now.UtcDateTime, TimeSpan.FromDays(3650), TimeSpan.FromDays(3660));
    }

    [Fact]
    public void Node_certificate_binds_its_jurisdiction_and_chains_to_the_root()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var node = authority.IssueNodeCertificate("ON", "node-on-1");

        Assert.True(node.HasPrivateKey);
        Assert.Equal("node-on-1", node.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.Equal("ON", FederationIdentity.GetJurisdiction(node));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, node.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.False(node.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        var trust = new FederationTrust([authority.Certificate]);
        var check = trust.Validate(node, DateTimeOffset.UtcNow);
        Assert.True(check.IsTrusted, check.Message);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("on")]
    [InlineData("CA-ON")]
    [InlineData("")]
    public void Node_certificate_for_an_unknown_jurisdiction_is_refused(string jurisdiction)
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");

        var error = Assert.Throws<ArgumentException>(() => authority.IssueNodeCertificate(jurisdiction, "node-1"));
        Assert.Contains("Unknown jurisdiction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_certificate_does_not_outlive_its_root()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var node = authority.IssueNodeCertificate("QC", "node-qc", TimeSpan.FromDays(36500));

        Assert.Equal(authority.Certificate.NotAfter, node.NotAfter);
    }

    [Fact]
    public void Gateway_certificate_is_a_TLS_server_certificate_for_its_names()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var gateway = authority.IssueGatewayCertificate(["gateway.example", "localhost"], [IPAddress.Loopback]);

        Assert.True(gateway.HasPrivateKey);
        var usages = gateway.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Contains(usages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");
        var names = gateway.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["gateway.example", "localhost"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], names.EnumerateIPAddresses());
        Assert.True(gateway.MatchesHostname("gateway.example"));
        Assert.Null(FederationIdentity.GetJurisdiction(gateway));
    }

    [Fact]
    public void Authority_saved_and_loaded_again_issues_certificates_the_original_root_trusts()
    {
        using var directory = new TemporaryDirectory();
        var certificatePath = directory.PathOf("root.pem");
        var keyPath = directory.PathOf("root.key");
        using var original = FederationCertificateAuthority.Create("Federation Test Root");
        original.SaveTo(certificatePath, keyPath);

        using var loaded = FederationCertificateAuthority.Load(certificatePath, keyPath);
        using var node = loaded.IssueNodeCertificate("NS", "node-ns");

        Assert.Equal(original.Certificate.RawData, loaded.Certificate.RawData);
        var check = FederationTrust.FromPemFile(certificatePath).Validate(node, DateTimeOffset.UtcNow);
        Assert.True(check.IsTrusted, check.Message);
    }

    [Fact]
    public void Loading_a_node_certificate_as_the_authority_is_refused()
    {
        using var directory = new TemporaryDirectory();
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var node = authority.IssueNodeCertificate("NS", "node-ns");
        CertificateFiles.SavePem(node, directory.PathOf("node.pem"), directory.PathOf("node.key"));

        var error = Assert.Throws<InvalidDataException>(() => FederationCertificateAuthority.Load(directory.PathOf("node.pem"), directory.PathOf("node.key")));
        Assert.Contains("not a federation certificate authority", error.Message, StringComparison.Ordinal);
    }
}
