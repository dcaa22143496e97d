using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Signing;

/// <summary>Signs submission bytes as a detached CMS SignedData (RFC 5652) with the node's ECDSA P-256 key.</summary>
public static class SubmissionSigner
{
    /// <summary>
    /// The DER-encoded CMS SignedData whose detached content is exactly <paramref name="submission"/>: SHA-256,
    /// ECDSA P-256, a signing-time attribute, and the signer certificate (only) embedded.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> submission, X509Certificate2 signerWithPrivateKey, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(signerWithPrivateKey);
        var unsupported = SignatureAlgorithms.DescribeUnsupportedKey(signerWithPrivateKey);
        if (unsupported is not null)
        {
            throw new ArgumentException(unsupported, nameof(signerWithPrivateKey));
        }

        using (var key = signerWithPrivateKey.GetECDsaPrivateKey())
        {
            if (key is null)
            {
                throw new ArgumentException(
                    $"The certificate '{signerWithPrivateKey.Subject}' has no private key to sign with.", nameof(signerWithPrivateKey));
            }
        }

        var cms = new SignedCms(new ContentInfo(submission.ToArray()), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signerWithPrivateKey)
        {
            DigestAlgorithm = new Oid(SignatureAlgorithms.Sha256Oid),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(signingTime.UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }
}
