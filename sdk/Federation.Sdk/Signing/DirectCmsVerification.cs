using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;

namespace Federation.Sdk.Signing;

/// <summary>
/// The signature check of <see cref="SignerInfo.CheckSignature(bool)"/> done directly on the DER bytes, for the one shape
/// federation signers produce, with the signer certificate loaded once (<see cref="SignerCertificates"/>): a detached
/// CMS SignedData (RFC 5652) with one certificate and one IssuerAndSerialNumber signer naming it, SHA-256, ECDSA P-256,
/// and signed attributes. It only ever accepts: anything else (another shape, a BER encoding, a mismatch) returns null,
/// and <see cref="SignedCms"/> then decides and explains, exactly as before.
/// </summary>
/// <remarks>
/// The same check as SignedCms, step by step: every message-digest attribute holds one value, the SHA-256 of the
/// content; the signature is over the SHA-256 of the signed attributes DER-encoded as a SET OF (a DER reading of them
/// guarantees that encoding is their own with the universal SET tag); the DER ECDSA signature is converted to r||s as
/// SignedCms converts it and verified with the certificate's key. Like SignedCms, the content-type attribute is not
/// compared (the eContentType must be id-data here, which is what federation signers sign).
/// </remarks>
internal static class DirectCmsVerification
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string DataOid = "1.2.840.113549.1.7.1";
    private const string MessageDigestOid = "1.2.840.113549.1.9.4";
    private const string SigningTimeOid = "1.2.840.113549.1.9.5";
    private const int P256FieldBytes = 32;

    private static readonly Asn1Tag s_explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag s_implicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>The verified signer and its claimed signing time, or null when SignedCms must decide.</summary>
    public static DirectlyVerified? TryVerify(ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature, SignerCertificates certificates)
    {
        try
        {
            return Verify(content, signature, certificates);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private static DirectlyVerified? Verify(ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature, SignerCertificates certificates)
    {
        // ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
        var outer = new AsnReader(signature.ToArray(), AsnEncodingRules.DER);
        var contentInfo = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (contentInfo.ReadObjectIdentifier() != SignedDataOid)
        {
            return null;
        }

        var explicitContent = contentInfo.ReadSequence(s_explicit0);
        contentInfo.ThrowIfNotEmpty();
        var signedData = explicitContent.ReadSequence();
        explicitContent.ThrowIfNotEmpty();

        // SignedData ::= SEQUENCE { version 1, digestAlgorithms, encapContentInfo (id-data, detached), certificates [0], signerInfos }
        if (!signedData.TryReadInt32(out var version) || version != 1)
        {
            return null;
        }

        var digestAlgorithms = signedData.ReadSetOf();
        while (digestAlgorithms.HasData)
        {
            ReadAlgorithm(digestAlgorithms, out _);
        }

        var encapsulated = signedData.ReadSequence();
        if (encapsulated.ReadObjectIdentifier() != DataOid || encapsulated.HasData)
        {
            return null; // another content type, or content embedded in the signature
        }

        if (!signedData.PeekTag().HasSameClassAndValue(s_implicit0))
        {
            return null; // no certificate embedded
        }

        var certificateSet = signedData.ReadSetOf(s_implicit0);
        var certificateBytes = certificateSet.ReadEncodedValue();
        if (certificateSet.HasData || !Asn1Tag.Sequence.HasSameClassAndValue(Asn1Tag.Decode(certificateBytes.Span, out _)))
        {
            return null; // more than one certificate, or not an X.509 certificate
        }

        var signerInfos = signedData.ReadSetOf();
        signedData.ThrowIfNotEmpty();
        var signerInfo = signerInfos.ReadSequence();
        if (signerInfos.HasData)
        {
            return null;
        }

        // SignerInfo ::= SEQUENCE { version 1, sid IssuerAndSerialNumber, digestAlgorithm, signedAttrs [0], signatureAlgorithm, signature }
        if (!signerInfo.TryReadInt32(out var signerVersion) || signerVersion != 1)
        {
            return null;
        }

        var issuerAndSerial = signerInfo.ReadSequence();
        var issuer = issuerAndSerial.ReadEncodedValue();
        var serial = issuerAndSerial.ReadIntegerBytes();
        issuerAndSerial.ThrowIfNotEmpty();

        var digestAlgorithm = ReadAlgorithm(signerInfo, out _);
        if (digestAlgorithm != SignatureAlgorithms.Sha256Oid || !signerInfo.PeekTag().HasSameClassAndValue(s_implicit0))
        {
            return null;
        }

        var signedAttributesEncoded = signerInfo.PeekEncodedValue().Span;
        var signedAttributes = signerInfo.ReadSetOf(s_implicit0);
        var signatureAlgorithm = ReadAlgorithm(signerInfo, out var hasParameters);
        if (hasParameters || signatureAlgorithm is not (SignatureAlgorithms.EcdsaWithSha256Oid or SignatureAlgorithms.EcPublicKeyOid))
        {
            return null;
        }

        var signatureValue = signerInfo.ReadOctetString();
        signerInfo.ThrowIfNotEmpty();

        var signer = certificates.Get(certificateBytes.Span);
        if (signer?.PublicKey is not { } key
            || !issuer.Span.SequenceEqual(signer.IssuerName)
            || !serial.Span.SequenceEqual(signer.SerialNumber))
        {
            return null;
        }

        Span<byte> contentDigest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, contentDigest);
        var digestChecked = false;
        DateTimeOffset? signingTime = null;
        while (signedAttributes.HasData)
        {
            var attribute = signedAttributes.ReadSequence();
            var type = attribute.ReadObjectIdentifier();
            var values = attribute.ReadSetOf();
            attribute.ThrowIfNotEmpty();
            if (type == MessageDigestOid)
            {
                var digest = values.ReadOctetString();
                if (values.HasData || !digest.SequenceEqual(contentDigest))
                {
                    return null;
                }

                digestChecked = true;
            }
            else if (type == SigningTimeOid && signingTime is null)
            {
                signingTime = SigningTimes.AsUtc(new Pkcs9SigningTime(values.ReadEncodedValue().ToArray()).SigningTime);
            }
        }

        if (!digestChecked)
        {
            return null;
        }

        // The signed attributes as a DER SET OF: the bytes read, with the universal SET tag in place of [0] IMPLICIT.
        Span<byte> setOf = signedAttributesEncoded.Length <= 1024 ? stackalloc byte[signedAttributesEncoded.Length] : new byte[signedAttributesEncoded.Length];
        signedAttributesEncoded.CopyTo(setOf);
        setOf[0] = 0x31;
        Span<byte> attributesDigest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(setOf, attributesDigest);

        Span<byte> ieee = stackalloc byte[2 * P256FieldBytes];
        return DerToIeee(signatureValue, ieee) && key.VerifyHash(attributesDigest, ieee)
            ? new DirectlyVerified(signer, signingTime)
            : null;
    }

    // AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
    private static string ReadAlgorithm(AsnReader reader, out bool hasParameters)
    {
        var algorithm = reader.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        hasParameters = algorithm.HasData;
        if (hasParameters)
        {
            algorithm.ReadEncodedValue();
            algorithm.ThrowIfNotEmpty();
        }

        return oid;
    }

    // Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } to r||s, each left-padded to the field size, as SignedCms does.
    private static bool DerToIeee(ReadOnlySpan<byte> der, Span<byte> ieee)
    {
        var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        if (reader.HasData)
        {
            return false;
        }

        ieee.Clear();
        return CopyField(sequence.ReadIntegerBytes().Span, ieee[..P256FieldBytes])
            && CopyField(sequence.ReadIntegerBytes().Span, ieee[P256FieldBytes..])
            && !sequence.HasData;
    }

    private static bool CopyField(ReadOnlySpan<byte> integer, Span<byte> field)
    {
        if (integer.Length > field.Length && integer[0] == 0)
        {
            integer = integer[1..];
        }

        if (integer.Length > field.Length)
        {
            return false;
        }

        integer.CopyTo(field[(field.Length - integer.Length)..]);
        return true;
    }
}

/// <summary>A signature verified directly: its signer and the signing time it claims.</summary>
internal sealed record DirectlyVerified(SignerCertificate Signer, DateTimeOffset? SigningTime);
