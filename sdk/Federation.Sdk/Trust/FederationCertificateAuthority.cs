using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Trust;

/// <summary>The federation's root certificate authority (ECDSA P-256): issues node and gateway certificates.</summary>
public sealed class FederationCertificateAuthority : IDisposable
{
    internal const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";
    internal const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private static readonly TimeSpan s_rootValidity = TimeSpan.FromDays(3653);
    private static readonly TimeSpan s_defaultLeafValidity = TimeSpan.FromDays(365);

    // Issued certificates start a little in the past so that a peer whose clock runs slow still accepts them.
    private static readonly TimeSpan s_backdating = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _timeProvider;

    private FederationCertificateAuthority(X509Certificate2 certificate, TimeProvider timeProvider)
    {
        Certificate = certificate;
        _timeProvider = timeProvider;
    }

    /// <summary>The root certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a new self-signed root, valid for ten years.</summary>
    public static FederationCertificateAuthority Create(string commonName, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        timeProvider ??= TimeProvider.System;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
            certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = timeProvider.GetUtcNow();
        var root = request.CreateSelfSigned(now - s_backdating, now + s_rootValidity);
        return new FederationCertificateAuthority(root, timeProvider);
    }

    /// <summary>Loads an existing root from its certificate and private key PEM files.</summary>
    public static FederationCertificateAuthority Load(string certificatePemPath, string privateKeyPemPath, TimeProvider? timeProvider = null)
    {
        var certificate = CertificateFiles.LoadWithPrivateKey(certificatePemPath, privateKeyPemPath);
        var basicConstraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        using var key = certificate.GetECDsaPrivateKey();
        if (basicConstraints is not { CertificateAuthority: true } || key is null)
        {
            certificate.Dispose();
            throw new InvalidDataException(
                $"'{certificatePemPath}' is not a federation certificate authority: it must be a CA certificate with an ECDSA key.");
        }

        return new FederationCertificateAuthority(certificate, timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// Issues a node certificate bound to one jurisdiction: ECDSA P-256, digital signature, subject CN=<paramref name="nodeId"/>,
    /// with its private key.
    /// </summary>
    public X509Certificate2 IssueNodeCertificate(string jurisdiction, string nodeId, TimeSpan? validity = null)
    {
        if (!Jurisdiction.IsValid(jurisdiction))
        {
            throw new ArgumentException(
                $"Unknown jurisdiction '{jurisdiction}'. Known jurisdictions: {string.Join(", ", Jurisdiction.All)}.", nameof(jurisdiction));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(FederationIdentity.UriFor(jurisdiction)));
        return IssueEcdsa(nodeId, names, ClientAuthenticationOid, validity);
    }

    /// <summary>Issues the gateway's TLS server certificate (server authentication, the given DNS and IP names), with its private key.</summary>
    public X509Certificate2 IssueGatewayCertificate(IEnumerable<string> dnsNames, IEnumerable<IPAddress> ipAddresses, TimeSpan? validity = null)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ipAddresses);
        var dns = dnsNames.ToArray();
        var addresses = ipAddresses.ToArray();
        if (dns.Length == 0 && addresses.Length == 0)
        {
            throw new ArgumentException("A gateway certificate needs at least one DNS name or IP address.", nameof(dnsNames));
        }

        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dns)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(dnsNames));
            names.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        var commonName = dns.Length > 0 ? dns[0] : addresses[0].ToString();
        return IssueEcdsa(commonName, names, ServerAuthenticationOid, validity);
    }

    /// <summary>
    /// Issues the gateway's signing certificate (receipts and access tokens): ECDSA P-256, digital signature, bound to
    /// the gateway role by the <see cref="FederationIdentity.GatewaySignerUri"/> URI name, with its private key.
    /// </summary>
    public X509Certificate2 IssueGatewaySigningCertificate(string commonName, TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(FederationIdentity.GatewaySignerUri));
        return IssueEcdsa(commonName, names, ClientAuthenticationOid, validity);
    }

    /// <summary>
    /// Issues the signing certificate of a token server that runs on its own host (access tokens only): ECDSA P-256,
    /// digital signature, bound to that role by the <see cref="FederationIdentity.TokenSignerUri"/> URI name, with its private key.
    /// </summary>
    public X509Certificate2 IssueTokenSigningCertificate(string commonName, TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(FederationIdentity.TokenSignerUri));
        return IssueEcdsa(commonName, names, ClientAuthenticationOid, validity);
    }

    /// <summary>
    /// Enrolment: issues a node certificate for the key of a PKCS#10 request (PEM) the node made. The request's
    /// signature proves the node holds the key; its subject common name is the node id. The jurisdiction is the one the
    /// administrator names, whatever the request asked for. Returns the certificate without a private key (the key
    /// never leaves the node).
    /// </summary>
    public X509Certificate2 IssueNodeCertificateFromRequest(string certificateRequestPem, string jurisdiction, TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateRequestPem);
        if (!Jurisdiction.IsValid(jurisdiction))
        {
            throw new ArgumentException(
                $"Unknown jurisdiction '{jurisdiction}'. Known jurisdictions: {string.Join(", ", Jurisdiction.All)}.", nameof(jurisdiction));
        }

        CertificateRequest requested;
        try
        {
            // Loading checks the request's self-signature: whoever made it holds the private key.
            requested = CertificateRequest.LoadSigningRequestPem(certificateRequestPem, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"The certificate request is not a valid, self-signed PKCS#10 request: {e.Message}", e);
        }

        using var publicKey = requested.PublicKey.GetECDsaPublicKey();
        if (publicKey is null || publicKey.KeySize != 256 || publicKey.ExportParameters(false).Curve.Oid.Value != "1.2.840.10045.3.1.7")
        {
            throw new InvalidDataException("The certificate request's key is not an ECDSA P-256 key; federation nodes sign with ECDSA P-256 only.");
        }

        var nodeId = requested.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => n.HasMultipleElements is false && n.GetSingleElementType().Value == "2.5.4.3")
            .Select(n => n.GetSingleElementValue())
            .FirstOrDefault();
        if (string.IsNullOrWhiteSpace(nodeId))
        {
            throw new InvalidDataException("The certificate request has no subject common name (CN=<node id>).");
        }

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(nodeId);
        var request = new CertificateRequest(subject.Build(), requested.PublicKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(FederationIdentity.UriFor(jurisdiction)));
        AddLeafExtensions(request, names, ClientAuthenticationOid);
        return Issue(request, validity);
    }

    /// <summary>Writes the root certificate and its private key (owner-only on Unix) as PEM.</summary>
    public void SaveTo(string certificatePemPath, string privateKeyPemPath) =>
        CertificateFiles.SavePem(Certificate, certificatePemPath, privateKeyPemPath);

    public void Dispose() => Certificate.Dispose();

    /// <summary>
    /// Signs <paramref name="request"/> as an end-entity certificate of this root, adding the basic constraints and key
    /// identifiers every leaf carries. Returns the certificate without a private key.
    /// </summary>
    internal X509Certificate2 Issue(CertificateRequest request, TimeSpan? validity = null)
    {
        var lifetime = validity ?? s_defaultLeafValidity;
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), validity, "A certificate's validity must be positive.");
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
            certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = _timeProvider.GetUtcNow();
        var notAfter = now + lifetime;
        if (notAfter > Certificate.NotAfter)
        {
            // A leaf cannot outlive its root.
            notAfter = Certificate.NotAfter;
        }

        // The generator form signs with the root's ECDSA key whatever the subject's key type is.
        using var rootKey = Certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"The authority '{Certificate.Subject}' has no ECDSA private key to issue with.");
        return request.Create(
            Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), now - s_backdating, notAfter, NewSerialNumber());
    }

    private X509Certificate2 IssueEcdsa(string commonName, SubjectAlternativeNameBuilder names, string extendedKeyUsageOid, TimeSpan? validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        AddLeafExtensions(request, names, extendedKeyUsageOid);
        using var certificate = Issue(request, validity);
        return certificate.CopyWithPrivateKey(key);
    }

    private static void AddLeafExtensions(CertificateRequest request, SubjectAlternativeNameBuilder names, string extendedKeyUsageOid)
    {
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsageOid)], critical: false));
        request.CertificateExtensions.Add(names.Build());
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        // Positive and without a leading zero byte, as RFC 5280 asks.
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}
