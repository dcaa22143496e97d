using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Signing;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Signing;

/// <summary>
/// The direct signature check (on the DER bytes, the signer certificate loaded once) against SignedCms: over many
/// envelopes, valid and altered at every byte, the verdict, the refusal and its message, the signer and the signing
/// time are the same as the SignedCms path gives; the direct check accepts only what SignedCms accepts.
/// </summary>
public sealed class DirectCmsVerificationTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FederationCertificateAuthority _federation = FederationCertificateAuthority.Create("Federation Root", new FixedTimeProvider(s_now.AddDays(-1)));
    private readonly FederationTrust _trust;
    private readonly X509Certificate2 _node;
    private readonly SignerCertificates _certificates = new();

    public DirectCmsVerificationTests()
    {
        _node = _federation.IssueNodeCertificate("ON", "node-on-1");
        _trust = new FederationTrust([_federation.Certificate]);
    }

    public void Dispose()
    {
        _node.Dispose();
        _federation.Dispose();
    }

    [Fact]
    public void Valid_envelopes_of_many_sizes_are_verified_directly_with_the_result_SignedCms_gives()
    {
        var random = new Random(5);
        for (var i = 0; i < 24; i++)
        {
            var content = new byte[random.Next(0, 4000)];
            random.NextBytes(content);
            var signature = SubmissionSigner.Sign(content, _node, s_now.AddSeconds(-i));

            Assert.NotNull(DirectCmsVerification.TryVerify(content, signature, new SignerCertificates()));
            var result = AssertSameAsSignedCms(content, signature);
            Assert.True(result.IsValid);
            Assert.Equal(s_now.AddSeconds(-i), result.SigningTime);
        }
    }

    [Fact]
    public void Every_byte_of_a_signature_altered_gives_the_result_SignedCms_gives()
    {
        var content = "a statistics release"u8.ToArray();
        var signature = SubmissionSigner.Sign(content, _node, s_now);
        var accepted = 0;
        for (var position = 0; position < signature.Length; position++)
        {
            var altered = signature.ToArray();
            altered[position] ^= (byte)(position % 2 == 0 ? 0x01 : 0x80);
            accepted += AssertSameAsSignedCms(content, altered).IsValid ? 1 : 0;
        }

        // A few bytes are covered by no signature (the SignedData's digest algorithm list, version numbers SignedCms does
        // not check): those alterations are accepted by both paths alike, and only those.
        Assert.True(accepted < signature.Length / 10, $"{accepted} altered signatures were accepted");
    }

    [Fact]
    public void Altered_content_is_refused_as_SignedCms_refuses_it()
    {
        var content = new byte[600];
        new Random(9).NextBytes(content);
        var signature = SubmissionSigner.Sign(content, _node, s_now);
        for (var position = 0; position < content.Length; position += 37)
        {
            var altered = content.ToArray();
            altered[position] ^= 0x20;
            Assert.Equal(SignatureFailure.SignatureMismatch, AssertSameAsSignedCms(altered, signature).Refusal!.Failure);
        }

        Assert.Equal(SignatureFailure.SignatureMismatch, AssertSameAsSignedCms(content[..^1], signature).Refusal!.Failure);
        Assert.Equal(SignatureFailure.SignatureMismatch, AssertSameAsSignedCms([.. content, 0], signature).Refusal!.Failure);
    }

    [Fact]
    public void Signed_attributes_altered_and_re_signed_by_another_key_are_refused_as_SignedCms_refuses_them()
    {
        var content = "a statistics release"u8.ToArray();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // An extra signed attribute, a signing time the signer did not sign, the message digest of other content.
        foreach (var attribute in new AsnEncodedData[]
        {
            new Pkcs9DocumentName("release"),
            new Pkcs9SigningTime(s_now.AddYears(-1).UtcDateTime),
            new Pkcs9DocumentDescription("one year of one jurisdiction"),
        })
        {
            var cms = new SignedCms(new ContentInfo(content), detached: true);
            var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _node) { IncludeOption = X509IncludeOption.EndCertOnly };
            signer.SignedAttributes.Add(attribute);
            cms.ComputeSignature(signer, silent: true);
            var valid = cms.Encode();
            AssertSameAsSignedCms(content, valid);

            // The same attributes with one byte changed (the signature no longer covers them).
            var attributes = valid.AsSpan().IndexOf(attribute.RawData);
            if (attributes >= 0)
            {
                var altered = valid.ToArray();
                altered[attributes + attribute.RawData.Length - 1] ^= 0x01;
                Assert.False(AssertSameAsSignedCms(content, altered).IsValid);
            }
        }
    }

    [Theory]
    [InlineData("2.16.840.1.101.3.4.2.2")] // SHA-384
    [InlineData("2.16.840.1.101.3.4.2.3")] // SHA-512
    [InlineData("1.3.14.3.2.26")] // SHA-1
    public void Other_digest_algorithms_are_refused_as_SignedCms_refuses_them(string digestOid)
    {
        var content = "a statistics release"u8.ToArray();
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _node) { DigestAlgorithm = new Oid(digestOid), IncludeOption = X509IncludeOption.EndCertOnly }, silent: true);

        Assert.Null(DirectCmsVerification.TryVerify(content, cms.Encode(), new SignerCertificates()));
        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, AssertSameAsSignedCms(content, cms.Encode()).Refusal!.Failure);
    }

    [Fact]
    public void Shapes_the_direct_check_leaves_to_SignedCms_get_the_SignedCms_result()
    {
        var content = "a statistics release"u8.ToArray();
        var shapes = new List<byte[]>();
        foreach (var (identifier, include, detached) in new[]
        {
            (SubjectIdentifierType.SubjectKeyIdentifier, X509IncludeOption.EndCertOnly, true),
            (SubjectIdentifierType.IssuerAndSerialNumber, X509IncludeOption.WholeChain, true),
            (SubjectIdentifierType.IssuerAndSerialNumber, X509IncludeOption.EndCertOnly, false),
            (SubjectIdentifierType.IssuerAndSerialNumber, X509IncludeOption.None, true),
        })
        {
            var cms = new SignedCms(new ContentInfo(content), detached);
            cms.ComputeSignature(new CmsSigner(identifier, _node) { IncludeOption = include }, silent: true);
            shapes.Add(cms.Encode());
        }

        foreach (var signature in shapes)
        {
            Assert.Null(DirectCmsVerification.TryVerify(content, signature, new SignerCertificates()));
            AssertSameAsSignedCms(content, signature);
        }
    }

    [Fact]
    public void A_certificate_accepted_once_is_refused_later_when_expired_and_under_another_root()
    {
        var content = "a statistics release"u8.ToArray();
        var signature = SubmissionSigner.Sign(content, _node, s_now);
        Assert.True(DetachedSignature.Check(content, signature, _trust, s_now, "submission").IsValid);

        var expired = DetachedSignature.Check(content, signature, _trust, _node.NotAfter.AddDays(1), "submission");
        Assert.Equal(SignatureFailure.UntrustedCertificate, expired.Refusal!.Failure);
        Assert.Contains("is not valid at", expired.Refusal.Message, StringComparison.Ordinal);

        using var otherRoot = FederationCertificateAuthority.Create("Federation Root", new FixedTimeProvider(s_now.AddDays(-1)));
        var underOtherRoot = DetachedSignature.Check(content, signature, new FederationTrust([otherRoot.Certificate]), s_now, "submission");
        Assert.Equal(SignatureFailure.UntrustedCertificate, underOtherRoot.Refusal!.Failure);

        Assert.True(DetachedSignature.Check(content, signature, _trust, s_now, "submission").IsValid);
    }

    [Fact]
    public void A_certificate_with_the_same_subject_serial_and_key_but_other_bytes_is_refused_after_the_real_one_was_accepted()
    {
        var content = "a statistics release"u8.ToArray();
        Assert.True(DetachedSignature.Check(content, SubmissionSigner.Sign(content, _node, s_now), _trust, s_now, "submission").IsValid);

        // Same subject, issuer name, serial number, key (so key identifier) and extensions; signed by an impostor root.
        using var impostorRoot = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var nodeKey = _node.GetECDsaPrivateKey()!;
        var request = new CertificateRequest(_node.SubjectName, nodeKey, HashAlgorithmName.SHA256);
        foreach (var extension in _node.Extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        using var impostorCertificate = request.Create(
            _node.IssuerName, X509SignatureGenerator.CreateForECDsa(impostorRoot), _node.NotBefore, _node.NotAfter, _node.SerialNumberBytes.ToArray());
        using var impostor = impostorCertificate.CopyWithPrivateKey(nodeKey);
        Assert.NotEqual(_node.RawData, impostor.RawData);

        var signature = SubmissionSigner.Sign(content, impostor, s_now);
        Assert.NotNull(DirectCmsVerification.TryVerify(content, signature, SignerCertificates.Shared));
        var result = AssertSameAsSignedCms(content, signature);
        Assert.Equal(SignatureFailure.UntrustedCertificate, result.Refusal!.Failure);
        Assert.Equal(impostor.RawData, result.Signer!.RawData);
    }

    [Fact]
    public void Certificates_are_remembered_by_their_exact_bytes_and_the_memory_is_bounded()
    {
        var certificates = new SignerCertificates(capacity: 3);
        var first = certificates.Get(_node.RawData);
        Assert.Same(first, certificates.Get(_node.RawData.ToArray()));
        Assert.Equal(_node.RawData, first!.Certificate.RawData);
        Assert.Null(certificates.Get([0x30, 0x03, 0x02, 0x01, 0x01]));
        Assert.Null(certificates.Get([.. _node.RawData, 0x00]));

        for (var i = 0; i < 5; i++)
        {
            using var node = _federation.IssueNodeCertificate("ON", $"node-on-{i}");
            certificates.Get(node.RawData);
        }

        Assert.InRange(certificates.Count, 1, 3);
    }

    // Both paths on the same input: the same verdict, failure, message, signer and signing time.
    private DetachedSignatureCheck AssertSameAsSignedCms(byte[] content, byte[] signature)
    {
        var expected = DetachedSignature.CheckWithSignedCms(content, signature, _trust, s_now, "submission");
        var actual = DetachedSignature.Check(content, signature, _trust, s_now, "submission");
        Assert.Equal(expected.IsValid, actual.IsValid);
        Assert.Equal(expected.Refusal?.Failure, actual.Refusal?.Failure);
        Assert.Equal(expected.Refusal?.Message, actual.Refusal?.Message);
        Assert.Equal(expected.Signer?.RawData, actual.Signer?.RawData);
        Assert.Equal(expected.SigningTime, actual.SigningTime);
        if (DirectCmsVerification.TryVerify(content, signature, _certificates) is not null)
        {
            // Accepted directly: SignedCms finds the same signer and its signature valid (the chain is judged apart).
            var cms = new SignedCms(new ContentInfo(content), detached: true);
            cms.Decode(signature);
            cms.SignerInfos[0].CheckSignature(verifySignatureOnly: true);
        }

        return actual;
    }
}
