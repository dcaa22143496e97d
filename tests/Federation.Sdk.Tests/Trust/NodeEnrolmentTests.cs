using System.Security.Cryptography;
using Federation.Sdk.Signing;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Trust;

public sealed class NodeEnrolmentTests
{
    [Fact]
    public void A_certificate_issued_from_a_request_holds_the_nodes_key_and_the_jurisdiction_the_administrator_named()
    {
        using var authority = FederationCertificateAuthority.Create("Test Root");
        var (key, request) = NodeEnrolment.CreateRequest("ON", "node-on");
        using (key)
        {
            // The node asked for ON; the administrator decides.
            using var certificate = authority.IssueNodeCertificateFromRequest(request, "QC");
            using var node = NodeEnrolment.Combine(certificate, key);

            Assert.Equal("QC", FederationIdentity.GetJurisdiction(certificate));
            Assert.Equal("CN=node-on", certificate.Subject);
            Assert.False(certificate.HasPrivateKey);
            Assert.True(new FederationTrust([authority.Certificate]).Validate(certificate, DateTimeOffset.UtcNow).IsTrusted);
            var signature = SubmissionSigner.Sign([1, 2, 3], node, DateTimeOffset.UtcNow);
            Assert.True(new SubmissionVerifier(new FederationTrust([authority.Certificate]), TimeProvider.System).Verify([1, 2, 3], signature).IsValid);
        }
    }

    [Fact]
    public void A_request_whose_signature_does_not_verify_is_refused()
    {
        using var authority = FederationCertificateAuthority.Create("Test Root");
        var (key, request) = NodeEnrolment.CreateRequest("ON", "node-on");
        key.Dispose();
        var der = Convert.FromBase64String(string.Concat(request.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        der[^5] ^= 0x01;
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        Assert.Throws<InvalidDataException>(() => authority.IssueNodeCertificateFromRequest(tampered, "ON"));
    }

    [Fact]
    public void A_certificate_cannot_be_paired_with_another_key()
    {
        using var authority = FederationCertificateAuthority.Create("Test Root");
        var (key, request) = NodeEnrolment.CreateRequest("ON", "node-on");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (key)
        {
            using var certificate = authority.IssueNodeCertificateFromRequest(request, "ON");
            Assert.Throws<ArgumentException>(() => NodeEnrolment.Combine(certificate, other));
        }
    }

    [Fact]
    public void A_gateway_signing_certificate_is_marked_and_binds_no_jurisdiction_while_a_node_certificate_is_not_a_gateway_signer()
    {
        using var authority = FederationCertificateAuthority.Create("Test Root");
        using var gateway = authority.IssueGatewaySigningCertificate("gateway");
        using var node = authority.IssueNodeCertificate("ON", "node-on");

        Assert.True(FederationIdentity.IsGatewaySigner(gateway));
        Assert.Null(FederationIdentity.GetJurisdiction(gateway));
        Assert.False(FederationIdentity.IsGatewaySigner(node));
    }

    [Fact]
    public void A_token_signing_certificate_is_neither_a_gateway_signer_nor_a_node_and_a_gateway_signer_is_not_a_token_signer()
    {
        using var authority = FederationCertificateAuthority.Create("Test Root");
        using var tokens = authority.IssueTokenSigningCertificate("token server");
        using var gateway = authority.IssueGatewaySigningCertificate("gateway");

        Assert.True(FederationIdentity.IsTokenSigner(tokens));
        Assert.False(FederationIdentity.IsGatewaySigner(tokens));
        Assert.Null(FederationIdentity.GetJurisdiction(tokens));
        Assert.False(FederationIdentity.IsTokenSigner(gateway));
    }
}
