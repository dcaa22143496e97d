using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Trust;

/// <summary>Certificates the federation CA would never issue on its own: other key types, missing or extra jurisdictions.</summary>
internal static class TestCertificates
{
    /// <summary>A leaf of <paramref name="authority"/> for <paramref name="key"/>, with whatever extensions <paramref name="configure"/> adds.</summary>
    public static X509Certificate2 IssueLeaf(
        FederationCertificateAuthority authority,
        AsymmetricAlgorithm key,
        Action<CertificateRequest>? configure = null,
        string commonName = "test-node")
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = key switch
        {
            ECDsa ecdsa => new CertificateRequest(subject.Build(), ecdsa, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject.Build(), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("Only ECDSA and RSA keys are supported.", nameof(key)),
        };
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        configure?.Invoke(request);
        using var certificate = authority.Issue(request);
        return key switch
        {
            ECDsa ecdsa => certificate.CopyWithPrivateKey(ecdsa),
            _ => certificate.CopyWithPrivateKey((RSA)key),
        };
    }

    /// <summary>Adds URI subject alternative names binding each of <paramref name="jurisdictions"/>.</summary>
    public static Action<CertificateRequest> WithJurisdictions(params string[] jurisdictions) => request =>
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var jurisdiction in jurisdictions)
        {
            names.AddUri(new Uri(FederationIdentity.UriFor(jurisdiction)));
        }

        request.CertificateExtensions.Add(names.Build());
    };
}
