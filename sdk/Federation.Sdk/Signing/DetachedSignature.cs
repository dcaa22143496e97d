using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Signing;

/// <summary>
/// The checks every federation CMS signature gets, whoever signed it (a node's submission, the gateway's receipt):
/// one ECDSA P-256 / SHA-256 signer, the signature over exactly the content, a signer certificate that chains to the
/// federation root at the given time. What the signer must be (a node of one jurisdiction, the gateway) is the caller's.
/// </summary>
/// <remarks>
/// The signature is checked directly on its bytes with the signer certificate loaded once
/// (<see cref="DirectCmsVerification"/>) when it has the shape federation signers produce; any other signature, and
/// any that this does not accept, is checked by <see cref="SignedCms"/>, which gives the refusal. The chain is checked
/// on every signature either way.
/// </remarks>
internal static class DetachedSignature
{
    public static DetachedSignatureCheck Check(
        ReadOnlySpan<byte> content,
        ReadOnlySpan<byte> signature,
        FederationTrust trust,
        DateTimeOffset at,
        string contentName)
    {
        if (signature.IsEmpty)
        {
            return Refused(SignatureFailure.Malformed, $"The signature is empty: a {contentName} must carry a CMS SignedData signature.");
        }

        if (DirectCmsVerification.TryVerify(content, signature, SignerCertificates.Shared) is { } verified)
        {
            var signer = verified.Signer.Certificate;
            return CheckChain(signer, verified.SigningTime, trust, at, []);
        }

        return CheckWithSignedCms(content, signature, trust, at, contentName);
    }

    /// <summary>The same checks with <see cref="SignedCms"/> decoding and verifying the signature (every shape it reads).</summary>
    internal static DetachedSignatureCheck CheckWithSignedCms(
        ReadOnlySpan<byte> content,
        ReadOnlySpan<byte> signature,
        FederationTrust trust,
        DateTimeOffset at,
        string contentName)
    {
        if (signature.IsEmpty)
        {
            return Refused(SignatureFailure.Malformed, $"The signature is empty: a {contentName} must carry a CMS SignedData signature.");
        }

        var cms = new SignedCms(new ContentInfo(content.ToArray()), detached: true);
        try
        {
            cms.Decode(signature);
        }
        catch (CryptographicException e)
        {
            return Refused(SignatureFailure.Malformed, $"The signature is not a DER-encoded CMS SignedData (RFC 5652): {e.Message}");
        }

        SignerInfoCollection signerInfos;
        try
        {
            signerInfos = cms.SignerInfos;
        }
        catch (CryptographicException e)
        {
            return Refused(SignatureFailure.Malformed, $"The signature's signer information (its signed attributes) does not decode: {e.Message}");
        }

        if (signerInfos.Count != 1)
        {
            return Refused(SignatureFailure.SignerCount,
                $"The signature has {signerInfos.Count} signers; a {contentName} is signed by exactly one party.");
        }

        var signerInfo = signerInfos[0];
        X509Certificate2? signer;
        try
        {
            signer = signerInfo.Certificate;
        }
        catch (CryptographicException e)
        {
            return Refused(SignatureFailure.Malformed, $"A certificate embedded in the signature is not a valid X.509 certificate: {e.Message}");
        }

        if (signer is null)
        {
            return Refused(SignatureFailure.Malformed,
                "The signature does not embed its signer's certificate, so it cannot be checked; sign with the certificate included.");
        }

        string? unsupported;
        try
        {
            unsupported = DescribeUnsupportedAlgorithm(signerInfo, signer);
        }
        catch (CryptographicException e)
        {
            return Refused(SignatureFailure.Malformed, $"The signer certificate's key cannot be read: {e.Message}", signer);
        }

        if (unsupported is not null)
        {
            return Refused(SignatureFailure.UnsupportedAlgorithm, unsupported, signer);
        }

        try
        {
            signerInfo.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return Refused(SignatureFailure.SignatureMismatch,
                $"The signature does not match the {contentName} bytes: the {contentName} was altered after signing or signed by another key.",
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

        return CheckChain(signer, ReadSigningTime(signerInfo), trust, at, intermediates);
    }

    private static DetachedSignatureCheck CheckChain(
        X509Certificate2 signer, DateTimeOffset? signingTime, FederationTrust trust, DateTimeOffset at, X509Certificate2Collection intermediates)
    {
        var chain = trust.Validate(signer, at, intermediates);
        return chain.IsTrusted
            ? new DetachedSignatureCheck(null, signer, signingTime)
            : Refused(SignatureFailure.UntrustedCertificate, chain.Message, signer);
    }

    private static DetachedSignatureCheck Refused(SignatureFailure failure, string message, X509Certificate2? signer = null) =>
        new(SignatureVerification.Refused(failure, message, signer), signer, null);

    private static DateTimeOffset? ReadSigningTime(SignerInfo signerInfo) =>
        signerInfo.SignedAttributes
            .Cast<CryptographicAttributeObject>()
            .SelectMany(a => a.Values.Cast<AsnEncodedData>())
            .OfType<Pkcs9SigningTime>()
            .Select(t => (DateTimeOffset?)SigningTimes.AsUtc(t.SigningTime))
            .FirstOrDefault();

    private static string? DescribeUnsupportedAlgorithm(SignerInfo signerInfo, X509Certificate2 signer)
    {
        if (signerInfo.DigestAlgorithm.Value != SignatureAlgorithms.Sha256Oid)
        {
            return $"The signature uses digest {signerInfo.DigestAlgorithm.FriendlyName ?? signerInfo.DigestAlgorithm.Value}; "
                + "federation signatures use SHA-256.";
        }

        // RFC 5753 names ecdsa-with-SHA256; some signers write the bare key algorithm, which means the same with SHA-256.
        var signatureAlgorithm = signerInfo.SignatureAlgorithm.Value;
        if (signatureAlgorithm is not (SignatureAlgorithms.EcdsaWithSha256Oid or SignatureAlgorithms.EcPublicKeyOid))
        {
            return $"The signature algorithm is {signerInfo.SignatureAlgorithm.FriendlyName ?? signatureAlgorithm}; "
                + "federation signatures use ECDSA P-256 and SHA-256.";
        }

        return SignatureAlgorithms.DescribeUnsupportedKey(signer);
    }
}

/// <summary>The outcome of <see cref="DetachedSignature.Check"/>: a refusal, or the verified signer and the signing time it claims.</summary>
internal sealed record DetachedSignatureCheck(SignatureVerification? Refusal, X509Certificate2? Signer, DateTimeOffset? SigningTime)
{
    public bool IsValid => Refusal is null;
}

/// <summary>The signing-time attribute's time as a UTC instant (an unspecified kind is UTC).</summary>
internal static class SigningTimes
{
    public static DateTimeOffset AsUtc(DateTime time) =>
        time.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : new DateTimeOffset(time).ToUniversalTime();
}
