using System.Security.Cryptography;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Trust;

public sealed class FederationIdentityTests
{
    [Fact]
    public void Jurisdiction_is_read_from_the_URI_subject_alternative_name()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var node = authority.IssueNodeCertificate("YT", "node-yt");

        Assert.Equal("YT", FederationIdentity.GetJurisdiction(node));
        Assert.Equal(["YT"], FederationIdentity.GetJurisdictionClaims(node));
    }

    [Fact]
    public void Certificate_without_a_jurisdiction_binds_none()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = TestCertificates.IssueLeaf(authority, key);

        Assert.Null(FederationIdentity.GetJurisdiction(certificate));
        Assert.Null(FederationIdentity.GetJurisdiction(authority.Certificate));
    }

    [Fact]
    public void Certificate_binding_two_jurisdictions_binds_none()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = TestCertificates.IssueLeaf(authority, key, TestCertificates.WithJurisdictions("ON", "QC"));

        Assert.Null(FederationIdentity.GetJurisdiction(certificate));
        Assert.Equal(["ON", "QC"], FederationIdentity.GetJurisdictionClaims(certificate));
    }

    [Fact]
    public void Certificate_naming_an_unknown_jurisdiction_binds_none()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Test Root");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = TestCertificates.IssueLeaf(authority, key, TestCertificates.WithJurisdictions("ZZ"));

        Assert.Null(FederationIdentity.GetJurisdiction(certificate));
    }
}
