using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Trust;

/// <summary>Validates certificate chains against the federation root(s) only, never the operating system's trust store.</summary>
/// <remarks>
/// A chain once built and trusted is remembered (by the exact bytes of the certificate and of the intermediates
/// offered, and the usage asked) with the time window in which every certificate of it is valid: the same question at
/// a time inside that window has the same answer, so it is given without building the chain again. Refusals are never
/// remembered. A gateway verifies every release's chain; most come from a few node certificates.
/// </remarks>
public sealed class FederationTrust
{
    /// <summary>Most trusted chains remembered; the memory is emptied when it is full.</summary>
    public const int MaxRememberedChains = 4096;

    private readonly X509Certificate2Collection _roots;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, (DateTime NotBefore, DateTime NotAfter)> _trustedChains = new(StringComparer.Ordinal);

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
        bool isAuthority;
        try
        {
            isAuthority = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
        }
        catch (CryptographicException e)
        {
            return new ChainCheck(false, $"The certificate '{certificate.Subject}' has a basic constraints extension that does not decode: {e.Message}",
                X509ChainStatusFlags.InvalidBasicConstraints);
        }

        if (isAuthority)
        {
            return new ChainCheck(false,
                $"The certificate '{certificate.Subject}' is a certificate authority, not a node or gateway certificate.",
                X509ChainStatusFlags.InvalidBasicConstraints);
        }

        var key = ChainKey(certificate, intermediates, requiredUsageOid);
        var time = at.UtcDateTime;
        if (_trustedChains.TryGetValue(key, out var window) && window.NotBefore <= time && time <= window.NotAfter)
        {
            return ChainCheck.Trusted(certificate);
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
                Remember(key, chain);
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

    // The exact question asked: the certificate's and intermediates' bytes (SHA-256) and the usage required.
    private static string ChainKey(X509Certificate2 certificate, X509Certificate2Collection? intermediates, string? requiredUsageOid)
    {
        var key = new System.Text.StringBuilder(Convert.ToHexString(SHA256.HashData(certificate.RawDataMemory.Span)));
        foreach (var intermediate in intermediates ?? [])
        {
            key.Append('/').Append(Convert.ToHexString(SHA256.HashData(intermediate.RawDataMemory.Span)));
        }

        return key.Append('|').Append(requiredUsageOid).ToString();
    }

    // Every certificate of a trusted chain is valid from its NotBefore to its NotAfter: the chain in the intersection.
    private void Remember(string key, X509Chain chain)
    {
        var notBefore = DateTime.MinValue;
        var notAfter = DateTime.MaxValue;
        foreach (var element in chain.ChainElements)
        {
            var from = element.Certificate.NotBefore.ToUniversalTime();
            var to = element.Certificate.NotAfter.ToUniversalTime();
            notBefore = from > notBefore ? from : notBefore;
            notAfter = to < notAfter ? to : notAfter;
        }

        if (_trustedChains.Count >= MaxRememberedChains)
        {
            _trustedChains.Clear();
        }

        _trustedChains[key] = (notBefore, notAfter);
    }

    // A certificate whose validity dates do not decode (a month 13) still loads; its dates are read only here.
    private static string DescribeValidity(X509Certificate2 certificate)
    {
        try
        {
            return $"valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}";
        }
        catch (CryptographicException)
        {
            return "of unreadable validity dates";
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
                + $"'{subject}' is {DescribeValidity(certificate)}.";
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
