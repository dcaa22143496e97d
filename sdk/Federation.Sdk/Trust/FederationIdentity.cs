using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Trust;

/// <summary>Reads and writes the jurisdiction a federation certificate is bound to (a URI subject alternative name).</summary>
public static class FederationIdentity
{
    public const string JurisdictionUriPrefix = "urn:federation:jurisdiction:";

    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag s_uniformResourceIdentifierTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The URI name that marks the gateway's signing certificate (receipts, access tokens); nodes never carry it.</summary>
    public const string GatewaySignerUri = "urn:federation:gateway:signer";

    /// <summary>
    /// The URI name that marks the signing certificate of a token server running on its own host (access tokens only:
    /// it cannot sign receipts, and the gateway's signer cannot stand in for it).
    /// </summary>
    public const string TokenSignerUri = "urn:federation:token-server:signer";

    /// <summary>Whether the certificate is a gateway signing certificate: it carries <see cref="GatewaySignerUri"/> and binds no jurisdiction.</summary>
    public static bool IsGatewaySigner(X509Certificate2 certificate) => HasRole(certificate, GatewaySignerUri);

    /// <summary>Whether the certificate is a token server's signing certificate: it carries <see cref="TokenSignerUri"/> and binds no jurisdiction.</summary>
    public static bool IsTokenSigner(X509Certificate2 certificate) => HasRole(certificate, TokenSignerUri);

    private static bool HasRole(X509Certificate2 certificate, string roleUri)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var uris = certificate.Extensions
            .Where(e => e.Oid?.Value == SubjectAlternativeNameOid)
            .SelectMany(e => ReadUris(e.RawData))
            .ToList();
        return uris.Contains(roleUri) && !uris.Any(u => u.StartsWith(JurisdictionUriPrefix, StringComparison.Ordinal));
    }

    /// <summary>The URI that binds a certificate to <paramref name="jurisdiction"/>, for example urn:federation:jurisdiction:ON.</summary>
    public static string UriFor(string jurisdiction) => JurisdictionUriPrefix + jurisdiction;

    /// <summary>
    /// The jurisdiction the certificate is bound to, or null when it binds none, more than one, or one that is not a
    /// Canadian province or territory. A certificate must bind exactly one.
    /// </summary>
    public static string? GetJurisdiction(X509Certificate2 certificate) => Describe(certificate).Jurisdiction;

    /// <summary>Every value the certificate claims under <see cref="JurisdictionUriPrefix"/>, valid or not, in certificate order.</summary>
    public static IReadOnlyList<string> GetJurisdictionClaims(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var claims = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAlternativeNameOid)
            {
                continue;
            }

            foreach (var uri in ReadUris(extension.RawData))
            {
                if (uri.StartsWith(JurisdictionUriPrefix, StringComparison.Ordinal))
                {
                    claims.Add(uri[JurisdictionUriPrefix.Length..]);
                }
            }
        }

        return claims;
    }

    /// <summary>The jurisdiction, or why the certificate does not bind exactly one valid jurisdiction.</summary>
    internal static (string? Jurisdiction, string Problem) Describe(X509Certificate2 certificate)
    {
        var claims = GetJurisdictionClaims(certificate);
        return claims.Count switch
        {
            0 => (null, $"The certificate '{certificate.Subject}' carries no jurisdiction: it has no '{JurisdictionUriPrefix}' URI subject alternative name."),
            > 1 => (null, $"The certificate '{certificate.Subject}' binds {claims.Count} jurisdictions ({string.Join(", ", claims)}); a certificate must bind exactly one."),
            _ when !Jurisdiction.IsValid(claims[0]) => (null, $"The certificate '{certificate.Subject}' names '{claims[0]}', which is not a Canadian province or territory code."),
            _ => (claims[0], string.Empty),
        };
    }

    private static List<string> ReadUris(byte[] subjectAlternativeName)
    {
        var uris = new List<string>();
        try
        {
            var names = new AsnReader(subjectAlternativeName, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                if (names.PeekTag().HasSameClassAndValue(s_uniformResourceIdentifierTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, s_uniformResourceIdentifierTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            // A malformed extension binds nothing; chain validation reports the rest.
            return [];
        }

        return uris;
    }
}
