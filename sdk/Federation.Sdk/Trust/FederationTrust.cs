using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Trust;

/// <summary>Validates certificate chains against the federation root(s) only, never the operating system's trust store.</summary>
public sealed class FederationTrust
{
    private readonly X509Certificate2Collection _roots;
    private readonly TimeProvider _timeProvider;

    public FederationTrust(X509Certificate2Collection roots, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (roots.Count == 0)
        {
            throw new ArgumentException("A federation trusts at least one root certificate.", nameof(roots));
        }

        _roots = [.. roots];
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The trusted roots.</summary>
    public X509Certificate2Collection Roots => [.. _roots];

    /// <summary>Trusts the root certificate(s) of a PEM file.</summary>
    public static FederationTrust FromPemFile(string rootPemPath, TimeProvider? timeProvider = null) =>
        new(CertificateFiles.LoadCertificates(rootPemPath), timeProvider);

    /// <summary>
    /// Whether <paramref name="certificate"/> is an end-entity certificate that chains to a federation root at time
    /// <paramref name="at"/>. Revocation is not checked here.
    /// </summary>
    public ChainCheck Validate(X509Certificate2 certificate, DateTimeOffset at, X509Certificate2Collection? intermediates = null) =>
        Validate(certificate, at, intermediates, requiredUsageOid: null);

    /// <summary>
    /// A TLS client's server-certificate callback (for example SocketsHttpHandler.SslOptions.RemoteCertificateValidationCallback):
    /// accepts only server certificates that chain to a federation root; a host name mismatch is still refused.
    /// </summary>
    public bool ValidateServerCertificate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        // RemoteCertificateChainErrors is expected: the operating system does not know the federation root. We decide alone.
        var presented = certificate as X509Certificate2;
        using var loaded = presented is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var server = presented ?? loaded!;
        var intermediates = chain?.ChainPolicy.ExtraStore;
        return Validate(server, _timeProvider.GetUtcNow(), intermediates, FederationCertificateAuthority.ServerAuthenticationOid).IsTrusted;
    }

    private ChainCheck Validate(X509Certificate2 certificate, DateTimeOffset at, X509Certificate2Collection? intermediates, string? requiredUsageOid)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
        {
            return new ChainCheck(false,
                $"The certificate '{certificate.Subject}' is a certificate authority, not a node or gateway certificate.",
                X509ChainStatusFlags.InvalidBasicConstraints);
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }

        if (requiredUsageOid is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(requiredUsageOid));
        }

        try
        {
            if (chain.Build(certificate))
            {
                return ChainCheck.Trusted(certificate);
            }

            var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            return new ChainCheck(false, Explain(certificate, at, status, chain.ChainStatus), status);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                // Chain elements are copies the chain made; the caller's certificates and ours stay alive.
                var copy = element.Certificate;
                if (!ReferenceEquals(copy, certificate) && !_roots.Contains(copy) && intermediates?.Contains(copy) != true)
                {
                    copy.Dispose();
                }
            }
        }
    }

    private static string Explain(X509Certificate2 certificate, DateTimeOffset at, X509ChainStatusFlags status, X509ChainStatus[] details)
    {
        var subject = certificate.Subject;
        if (status.HasFlag(X509ChainStatusFlags.PartialChain) || status.HasFlag(X509ChainStatusFlags.UntrustedRoot))
        {
            return $"The certificate '{subject}' does not chain to the federation root: it was issued by '{certificate.Issuer}', "
                + "which is not a trusted federation authority.";
        }

        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            return $"The certificate '{subject}' (or a certificate of its chain) is not valid at {at.UtcDateTime:u}: "
                + $"'{subject}' is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}.";
        }

        if (status.HasFlag(X509ChainStatusFlags.NotSignatureValid))
        {
            return $"The certificate '{subject}' names a federation authority as issuer but its signature does not verify with that authority's key.";
        }

        if (status.HasFlag(X509ChainStatusFlags.NotValidForUsage))
        {
            return $"The certificate '{subject}' is not valid for this use (its key usage or extended key usage does not allow it).";
        }

        var reasons = string.Join("; ", details.Select(d => string.IsNullOrWhiteSpace(d.StatusInformation) ? d.Status.ToString() : d.StatusInformation.Trim()));
        return $"The certificate '{subject}' is not trusted: {reasons}.";
    }
}
