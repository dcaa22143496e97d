using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Signing;

/// <summary>The one algorithm suite federation submissions use: ECDSA over P-256 with SHA-256.</summary>
internal static class SignatureAlgorithms
{
    public const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    public const string EcdsaWithSha256Oid = "1.2.840.10045.4.3.2";
    public const string EcPublicKeyOid = "1.2.840.10045.2.1";
    public const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Why the certificate's key is not an ECDSA P-256 key, or null when it is.</summary>
    public static string? DescribeUnsupportedKey(X509Certificate2 certificate)
    {
        var publicKey = certificate.PublicKey;
        if (publicKey.Oid.Value != EcPublicKeyOid)
        {
            return $"The signer key of '{certificate.Subject}' is {publicKey.Oid.FriendlyName ?? publicKey.Oid.Value}; "
                + "federation submissions are signed with ECDSA P-256 keys only.";
        }

        var curve = ReadCurve(publicKey.EncodedParameters?.RawData ?? []);
        return curve == P256Oid
            ? null
            : $"The signer key of '{certificate.Subject}' is ECDSA on curve {curve ?? "(explicit or unreadable parameters)"}; "
                + "federation submissions are signed with ECDSA P-256 keys only.";
    }

    private static string? ReadCurve(byte[] parameters)
    {
        try
        {
            return AsnDecoder.ReadObjectIdentifier(parameters, AsnEncodingRules.DER, out _);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
    }
}
