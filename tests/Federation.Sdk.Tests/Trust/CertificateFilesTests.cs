using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Trust;

public sealed class CertificateFilesTests
{
    [Fact]
    public void Certificate_and_key_survive_a_PEM_round_trip()
    {
        using var directory = new TemporaryDirectory();
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var node = authority.IssueNodeCertificate("MB", "node-mb");
        CertificateFiles.SavePem(node, directory.PathOf("node.pem"), directory.PathOf("node.key"));

        using var certificateOnly = CertificateFiles.LoadCertificate(directory.PathOf("node.pem"));
        using var withKey = CertificateFiles.LoadWithPrivateKey(directory.PathOf("node.pem"), directory.PathOf("node.key"));

        Assert.Equal(node.RawData, certificateOnly.RawData);
        Assert.False(certificateOnly.HasPrivateKey);
        Assert.True(withKey.HasPrivateKey);
        var data = "federation"u8.ToArray();
        using var privateKey = withKey.GetECDsaPrivateKey()!;
        using var publicKey = node.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData(data, privateKey.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(directory.PathOf("node.key")), StringComparison.Ordinal);
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void Private_key_file_is_readable_by_its_owner_only()
    {
        using var directory = new TemporaryDirectory();
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        var keyPath = directory.PathOf("root.key");

        authority.SaveTo(directory.PathOf("root.pem"), keyPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void Saving_over_a_world_readable_key_file_makes_it_owner_only()
    {
        using var directory = new TemporaryDirectory();
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        var keyPath = directory.PathOf("root.key");
        File.WriteAllText(keyPath, "old");
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        authority.SaveTo(directory.PathOf("root.pem"), keyPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
    }

    [Fact]
    public void Loading_a_key_that_does_not_belong_to_the_certificate_is_refused()
    {
        using var directory = new TemporaryDirectory();
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var first = authority.IssueNodeCertificate("MB", "node-mb-1");
        using var second = authority.IssueNodeCertificate("MB", "node-mb-2");
        CertificateFiles.SavePem(first, directory.PathOf("first.pem"));
        CertificateFiles.SavePem(second, directory.PathOf("second.pem"), directory.PathOf("second.key"));

        Assert.Throws<InvalidDataException>(() => CertificateFiles.LoadWithPrivateKey(directory.PathOf("first.pem"), directory.PathOf("second.key")));
    }

    [Fact]
    public void Every_certificate_of_a_PEM_bundle_is_loaded()
    {
        using var directory = new TemporaryDirectory();
        using var first = FederationCertificateAuthority.Create("Root One");
        using var second = FederationCertificateAuthority.Create("Root Two");
        first.SaveTo(directory.PathOf("one.pem"), directory.PathOf("one.key"));
        second.SaveTo(directory.PathOf("two.pem"), directory.PathOf("two.key"));
        var bundle = directory.PathOf("roots.pem");
        File.WriteAllText(bundle, File.ReadAllText(directory.PathOf("one.pem")) + File.ReadAllText(directory.PathOf("two.pem")));

        var roots = CertificateFiles.LoadCertificates(bundle);

        Assert.Equal([first.Certificate.Thumbprint, second.Certificate.Thumbprint], roots.Select(r => r.Thumbprint));
    }

    [Fact]
    public void A_file_without_a_certificate_is_refused_with_its_name()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.PathOf("empty.pem");
        File.WriteAllText(path, "not a certificate");

        var error = Assert.Throws<InvalidDataException>(() => CertificateFiles.LoadCertificate(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
