using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Trust;

/// <summary>
/// The node's side of enrolment: it makes its own ECDSA P-256 key and a certificate request (PKCS#10) for an
/// administrator to turn into a certificate. The private key never leaves the node.
/// </summary>
public static class NodeEnrolment
{
    /// <summary>A new key and the PEM certificate request for it (subject CN=<paramref name="nodeId"/>, asking for <paramref name="jurisdiction"/>).</summary>
    public static (ECDsa Key, string RequestPem) CreateRequest(string jurisdiction, string nodeId)
    {
        if (!Jurisdiction.IsValid(jurisdiction))
        {
            throw new ArgumentException(
                $"Unknown jurisdiction '{jurisdiction}'. Known jurisdictions: {string.Join(", ", Jurisdiction.All)}.", nameof(jurisdiction));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(nodeId);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(FederationIdentity.UriFor(jurisdiction)));
        request.CertificateExtensions.Add(names.Build());
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>
    /// Pairs the certificate the administrator issued with the node's private key, checking that they belong together.
    /// </summary>
    public static X509Certificate2 Combine(X509Certificate2 certificate, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(key);
        using var publicKey = certificate.GetECDsaPublicKey()
            ?? throw new ArgumentException($"The certificate '{certificate.Subject}' has no ECDSA key.", nameof(certificate));
        if (!publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            throw new ArgumentException($"The certificate '{certificate.Subject}' was not issued for this private key.", nameof(certificate));
        }

        return certificate.CopyWithPrivateKey(key);
    }
}
