using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Signing;
using Federation.Sdk.Tests.Trust;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Signing;

public sealed class SubmissionVerifierTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] s_submission = "\n\x16trafficking.victims.v1\x12\x02ON\x18\xe9\x0f"u8.ToArray();

    private readonly FederationCertificateAuthority _federation = FederationCertificateAuthority.Create("Federation Root", new FixedTimeProvider(s_now.AddDays(-1)));
    private readonly X509Certificate2 _node;
    private readonly SubmissionVerifier _verifier;

    public SubmissionVerifierTests()
    {
        _node = _federation.IssueNodeCertificate("ON", "node-on-1");
        _verifier = new SubmissionVerifier(new FederationTrust([_federation.Certificate]), new FixedTimeProvider(s_now));
    }

    public void Dispose()
    {
        _node.Dispose();
        _federation.Dispose();
    }

    [Fact]
    public void Valid_signature_verifies_and_yields_the_jurisdiction_of_the_signer()
    {
        var signature = SubmissionSigner.Sign(s_submission, _node, s_now);

        var result = _verifier.Verify(s_submission, signature);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(SignatureFailure.None, result.Failure);
        Assert.Equal("ON", result.Jurisdiction);
        Assert.Equal(_node.RawData, result.SignerCertificate!.RawData);
        Assert.Equal(s_now, result.SigningTime);
    }

    [Fact]
    public void Signature_is_detached_SHA256_with_a_signing_time_and_only_the_node_certificate()
    {
        var cms = new SignedCms(new ContentInfo(s_submission), detached: true);
        cms.Decode(SubmissionSigner.Sign(s_submission, _node, s_now));

        var signer = Assert.Single(cms.SignerInfos.Cast<SignerInfo>());
        Assert.Equal("2.16.840.1.101.3.4.2.1", signer.DigestAlgorithm.Value);
        Assert.Equal("1.2.840.10045.4.3.2", signer.SignatureAlgorithm.Value);
        Assert.Contains(signer.SignedAttributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == "1.2.840.113549.1.9.5");
        Assert.Equal(_node.RawData, Assert.Single(cms.Certificates).RawData);
        Assert.True(cms.Detached);
        Assert.Equal(-1, SubmissionSigner.Sign(s_submission, _node, s_now).AsSpan().IndexOf(s_submission));
    }

    [Fact]
    public void One_changed_byte_of_the_submission_is_a_signature_mismatch()
    {
        var signature = SubmissionSigner.Sign(s_submission, _node, s_now);
        var altered = s_submission.ToArray();
        altered[^1] ^= 0x01;

        var result = _verifier.Verify(altered, signature);

        Assert.Equal(SignatureFailure.SignatureMismatch, result.Failure);
        Assert.Equal(
            "The signature does not match the submission bytes: the submission was altered after signing or signed by another key.",
            result.Message);
        Assert.Null(result.Jurisdiction);
    }

    [Fact]
    public void One_changed_byte_inside_the_signature_value_is_refused()
    {
        var signature = SubmissionSigner.Sign(s_submission, _node, s_now);
        var cms = new SignedCms(new ContentInfo(s_submission), detached: true);
        cms.Decode(signature);
        var value = cms.SignerInfos[0].GetSignature();
        var offset = signature.AsSpan().IndexOf(value);
        Assert.True(offset > 0);
        signature[offset + (value.Length / 2)] ^= 0x01;

        var result = _verifier.Verify(s_submission, signature);

        Assert.Contains(result.Failure, new[] { SignatureFailure.SignatureMismatch, SignatureFailure.Malformed });
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 })]
    [InlineData(new byte[] { 0xde, 0xad, 0xbe, 0xef })]
    public void Garbage_signature_is_malformed(byte[] signature)
    {
        var result = _verifier.Verify(s_submission, signature);

        Assert.Equal(SignatureFailure.Malformed, result.Failure);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Truncated_signature_is_malformed()
    {
        var signature = SubmissionSigner.Sign(s_submission, _node, s_now);

        Assert.Equal(SignatureFailure.Malformed, _verifier.Verify(s_submission, signature.AsSpan(0, signature.Length - 10)).Failure);
    }

    [Fact]
    public void Certificate_of_another_root_is_untrusted()
    {
        using var other = FederationCertificateAuthority.Create("Other Root", new FixedTimeProvider(s_now.AddDays(-1)));
        using var stranger = other.IssueNodeCertificate("ON", "node-on-1");

        var result = _verifier.Verify(s_submission, SubmissionSigner.Sign(s_submission, stranger, s_now));

        Assert.Equal(SignatureFailure.UntrustedCertificate, result.Failure);
        Assert.Contains("does not chain to the federation root", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expired_node_certificate_is_untrusted()
    {
        using var authority = FederationCertificateAuthority.Create("Federation Root", new FixedTimeProvider(s_now.AddDays(-60)));
        using var expired = authority.IssueNodeCertificate("ON", "node-on-1", TimeSpan.FromDays(30));
        var verifier = new SubmissionVerifier(new FederationTrust([authority.Certificate]), new FixedTimeProvider(s_now));

        var result = verifier.Verify(s_submission, SubmissionSigner.Sign(s_submission, expired, s_now.AddDays(-40)));

        Assert.Equal(SignatureFailure.UntrustedCertificate, result.Failure);
        Assert.Contains("is not valid at", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_certificate_without_a_jurisdiction_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var unbound = TestCertificates.IssueLeaf(_federation, key);

        var result = _verifier.Verify(s_submission, SubmissionSigner.Sign(s_submission, unbound, s_now));

        Assert.Equal(SignatureFailure.NoJurisdiction, result.Failure);
        Assert.Contains("carries no jurisdiction", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_certificate_binding_two_jurisdictions_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var doubleBound = TestCertificates.IssueLeaf(_federation, key, TestCertificates.WithJurisdictions("ON", "QC"));

        var result = _verifier.Verify(s_submission, SubmissionSigner.Sign(s_submission, doubleBound, s_now));

        Assert.Equal(SignatureFailure.NoJurisdiction, result.Failure);
        Assert.Contains("binds 2 jurisdictions", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_by_a_key_other_than_the_embedded_certificates_is_a_mismatch()
    {
        // A forger's certificate names the same issuer and serial number as the real node certificate, so the signer
        // identifier points at the real certificate embedded next to it; only the key differs.
        using var forgerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(_node.SubjectName, forgerKey, HashAlgorithmName.SHA256);
        using var forgerCertificate = request.Create(
            _node.IssuerName, X509SignatureGenerator.CreateForECDsa(forgerKey), _node.NotBefore, _node.NotAfter, _node.SerialNumberBytes.ToArray());
        using var forger = forgerCertificate.CopyWithPrivateKey(forgerKey);
        var cms = new SignedCms(new ContentInfo(s_submission), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, forger) { IncludeOption = X509IncludeOption.None });
        cms.AddCertificate(_node);

        var result = _verifier.Verify(s_submission, cms.Encode());

        Assert.Equal(SignatureFailure.SignatureMismatch, result.Failure);
    }

    [Fact]
    public void Signature_embedding_other_content_is_checked_against_the_submission_bytes_not_the_embedded_ones()
    {
        var other = "other content"u8.ToArray();
        var cms = new SignedCms(new ContentInfo(other), detached: false);
        cms.ComputeSignature(new CmsSigner(_node));

        var result = _verifier.Verify(s_submission, cms.Encode());

        Assert.Equal(SignatureFailure.SignatureMismatch, result.Failure);
    }

    [Fact]
    public void Two_signers_are_refused()
    {
        using var second = _federation.IssueNodeCertificate("ON", "node-on-2");
        var cms = new SignedCms(new ContentInfo(s_submission), detached: true);
        cms.ComputeSignature(new CmsSigner(_node));
        cms.ComputeSignature(new CmsSigner(second));

        var result = _verifier.Verify(s_submission, cms.Encode());

        Assert.Equal(SignatureFailure.SignerCount, result.Failure);
        Assert.Contains("2 signers", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_embedding_a_corrupt_certificate_is_malformed()
    {
        var signature = SubmissionSigner.Sign(s_submission, _node, s_now);
        var certificate = signature.AsSpan().IndexOf(_node.RawData);
        signature[certificate + 4] ^= 0xFF; // the TBSCertificate's tag: no longer a certificate

        var result = _verifier.Verify(s_submission, signature);

        Assert.Equal(SignatureFailure.Malformed, result.Failure);
        Assert.StartsWith("A certificate embedded in the signature is not a valid X.509 certificate", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_without_the_signer_certificate_is_malformed()
    {
        var cms = new SignedCms(new ContentInfo(s_submission), detached: true);
        cms.ComputeSignature(new CmsSigner(_node) { IncludeOption = X509IncludeOption.None });

        var result = _verifier.Verify(s_submission, cms.Encode());

        Assert.Equal(SignatureFailure.Malformed, result.Failure);
        Assert.Contains("does not embed its signer's certificate", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RSA_signer_is_an_unsupported_algorithm()
    {
        using var key = RSA.Create(2048);
        using var rsaNode = TestCertificates.IssueLeaf(_federation, key, TestCertificates.WithJurisdictions("ON"));

        var result = _verifier.Verify(s_submission, SignDirectly(rsaNode, HashAlgorithmName.SHA256));

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Contains("ECDSA P-256", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void P384_signer_is_an_unsupported_algorithm()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p384Node = TestCertificates.IssueLeaf(_federation, key, TestCertificates.WithJurisdictions("ON"));

        var result = _verifier.Verify(s_submission, SignDirectly(p384Node, HashAlgorithmName.SHA256));

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Contains("1.3.132.0.34", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SHA384_digest_is_an_unsupported_algorithm()
    {
        var result = _verifier.Verify(s_submission, SignDirectly(_node, HashAlgorithmName.SHA384));

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Contains("SHA-256", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signer_refuses_a_key_other_than_ECDSA_P256()
    {
        using var key = RSA.Create(2048);
        using var rsaNode = TestCertificates.IssueLeaf(_federation, key, TestCertificates.WithJurisdictions("ON"));

        Assert.Throws<ArgumentException>(() => SubmissionSigner.Sign(s_submission, rsaNode, s_now));
    }

    [Fact]
    public void Signer_refuses_a_certificate_without_its_private_key()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(_node.RawData);

        Assert.Throws<ArgumentException>(() => SubmissionSigner.Sign(s_submission, publicOnly, s_now));
    }

    [Fact]
    public void Signature_made_by_the_root_itself_is_untrusted()
    {
        var result = _verifier.Verify(s_submission, SubmissionSigner.Sign(s_submission, _federation.Certificate, s_now));

        Assert.Equal(SignatureFailure.UntrustedCertificate, result.Failure);
    }

    private static byte[] SignDirectly(X509Certificate2 signer, HashAlgorithmName digest)
    {
        var cms = new SignedCms(new ContentInfo(s_submission), detached: true);
        cms.ComputeSignature(new CmsSigner(signer) { DigestAlgorithm = CryptoConfigOid(digest), IncludeOption = X509IncludeOption.EndCertOnly });
        return cms.Encode();
    }

    private static Oid CryptoConfigOid(HashAlgorithmName digest) =>
        new(digest == HashAlgorithmName.SHA384 ? "2.16.840.1.101.3.4.2.2" : "2.16.840.1.101.3.4.2.1");
}
