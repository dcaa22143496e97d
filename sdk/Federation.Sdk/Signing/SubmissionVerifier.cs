using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Signing;

/// <summary>
/// Verifies a submission's detached CMS signature: one ECDSA P-256 / SHA-256 signer, the signature over exactly the
/// submission bytes, a signer certificate that chains to the federation root now and binds exactly one jurisdiction.
/// </summary>
public sealed class SubmissionVerifier
{
    private readonly FederationTrust _trust;
    private readonly TimeProvider _timeProvider;

    public SubmissionVerifier(FederationTrust trust, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _trust = trust;
        _timeProvider = timeProvider;
    }

    public SignatureVerification Verify(ReadOnlySpan<byte> submission, ReadOnlySpan<byte> signature)
    {
        if (signature.IsEmpty)
        {
            return SignatureVerification.Refused(SignatureFailure.Malformed, "The signature is empty: a submission must carry a CMS SignedData signature.");
        }

        var cms = new SignedCms(new ContentInfo(submission.ToArray()), detached: true);
        try
        {
            cms.Decode(signature);
        }
        catch (CryptographicException e)
        {
            return SignatureVerification.Refused(SignatureFailure.Malformed,
                $"The signature is not a DER-encoded CMS SignedData (RFC 5652): {e.Message}");
        }

        if (cms.SignerInfos.Count != 1)
        {
            return SignatureVerification.Refused(SignatureFailure.SignerCount,
                $"The signature has {cms.SignerInfos.Count} signers; a submission is signed by exactly one node.");
        }

        var signerInfo = cms.SignerInfos[0];
        var signer = signerInfo.Certificate;
        if (signer is null)
        {
            return SignatureVerification.Refused(SignatureFailure.Malformed,
                "The signature does not embed its signer's certificate, so it cannot be checked; sign with the node certificate included.");
        }

        var unsupported = DescribeUnsupportedAlgorithm(signerInfo, signer);
        if (unsupported is not null)
        {
            return SignatureVerification.Refused(SignatureFailure.UnsupportedAlgorithm, unsupported, signer);
        }

        try
        {
            signerInfo.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return SignatureVerification.Refused(SignatureFailure.SignatureMismatch,
                "The signature does not match the submission bytes: the submission was altered after signing or signed by another key.",
                signer);
        }

        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in cms.Certificates)
        {
            if (!ReferenceEquals(certificate, signer))
            {
                intermediates.Add(certificate);
            }
        }

        var chain = _trust.Validate(signer, _timeProvider.GetUtcNow(), intermediates);
        if (!chain.IsTrusted)
        {
            return SignatureVerification.Refused(SignatureFailure.UntrustedCertificate, chain.Message, signer);
        }

        var (jurisdiction, problem) = FederationIdentity.Describe(signer);
        if (jurisdiction is null)
        {
            return SignatureVerification.Refused(SignatureFailure.NoJurisdiction, problem, signer);
        }

        return new SignatureVerification(
            SignatureFailure.None,
            $"Signed by '{signer.Subject}' for jurisdiction {jurisdiction}.",
            signer,
            jurisdiction)
        {
            SigningTime = ReadSigningTime(signerInfo),
        };
    }

    private static string? DescribeUnsupportedAlgorithm(SignerInfo signerInfo, X509Certificate2 signer)
    {
        if (signerInfo.DigestAlgorithm.Value != SignatureAlgorithms.Sha256Oid)
        {
            return $"The signature uses digest {signerInfo.DigestAlgorithm.FriendlyName ?? signerInfo.DigestAlgorithm.Value}; "
                + "federation submissions are signed with SHA-256.";
        }

        // RFC 5753 names ecdsa-with-SHA256; some signers write the bare key algorithm, which means the same with SHA-256.
        var signatureAlgorithm = signerInfo.SignatureAlgorithm.Value;
        if (signatureAlgorithm is not (SignatureAlgorithms.EcdsaWithSha256Oid or SignatureAlgorithms.EcPublicKeyOid))
        {
            return $"The signature algorithm is {signerInfo.SignatureAlgorithm.FriendlyName ?? signatureAlgorithm}; "
                + "federation submissions are signed with ECDSA P-256 and SHA-256.";
        }

        return SignatureAlgorithms.DescribeUnsupportedKey(signer);
    }

    private static DateTimeOffset? ReadSigningTime(SignerInfo signerInfo) =>
        signerInfo.SignedAttributes
            .Cast<CryptographicAttributeObject>()
            .SelectMany(a => a.Values.Cast<AsnEncodedData>())
            .OfType<Pkcs9SigningTime>()
            .Select(t => (DateTimeOffset?)AsUtc(t.SigningTime))
            .FirstOrDefault();

    private static DateTimeOffset AsUtc(DateTime time) =>
        time.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : new DateTimeOffset(time).ToUniversalTime();
}
