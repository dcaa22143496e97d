using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Signing;

/// <summary>
/// Signer certificates as loaded from the bytes a CMS signature embeds, remembered by those exact bytes: the parsed
/// certificate, its ECDSA public key and whether that key is the federation's algorithm. A gateway verifies every
/// release's signature and most come from a few node certificates; loading one costs several signature verifies.
/// </summary>
/// <remarks>
/// Only facts that follow from the bytes alone are remembered, never a verdict that depends on the time, the trusted
/// roots or revocation: the chain is checked on every signature (<see cref="Trust.FederationTrust"/> remembers its
/// trusted chains by time window and roots). Two certificates with the same subject, serial or key identifier but
/// different bytes are different entries. The certificates are shared by every verification that meets them: their
/// holders must not dispose them.
/// </remarks>
internal sealed class SignerCertificates
{
    /// <summary>Most certificates the shared instance remembers; a memory is emptied when it is full.</summary>
    public const int DefaultCapacity = 1024;

    private readonly int _capacity;

    private readonly ConcurrentDictionary<byte[], SignerCertificate> _loaded = new(ByteContent.Comparer);
    private readonly ConcurrentDictionary<byte[], SignerCertificate>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;

    public SignerCertificates(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _byBytes = _loaded.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The one instance every verifier of this process shares.</summary>
    public static SignerCertificates Shared { get; } = new();

    /// <summary>The number of certificates remembered now.</summary>
    public int Count => _loaded.Count;

    /// <summary>The certificate whose DER encoding is exactly <paramref name="der"/>, loaded once; null when it is not a certificate.</summary>
    public SignerCertificate? Get(ReadOnlySpan<byte> der)
    {
        if (_byBytes.TryGetValue(der, out var known))
        {
            return known;
        }

        var bytes = der.ToArray();
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException)
        {
            return null;
        }

        // A certificate whose encoding is not exactly these bytes (a loader that skipped trailing bytes) is not remembered.
        if (!certificate.RawDataMemory.Span.SequenceEqual(bytes))
        {
            certificate.Dispose();
            return null;
        }

        var loaded = new SignerCertificate(certificate);
        if (_loaded.Count >= _capacity)
        {
            _loaded.Clear();
        }

        return _loaded.GetOrAdd(bytes, loaded);
    }

    // Keys compared by content: the exact bytes, looked up from a span without copying it.
    private sealed class ByteContent : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteContent Comparer = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}

/// <summary>A signer certificate loaded once: the certificate, its issuer and serial as encoded, and its ECDSA P-256 key.</summary>
internal sealed class SignerCertificate
{
    public SignerCertificate(X509Certificate2 certificate)
    {
        Certificate = certificate;
        IssuerName = certificate.IssuerName.RawData;
        SerialNumber = certificate.SerialNumberBytes.ToArray();
        UnsupportedKey = SignatureAlgorithms.DescribeUnsupportedKey(certificate);
        PublicKey = UnsupportedKey is null ? certificate.GetECDsaPublicKey() : null;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The DER encoding of the issuer's name, as in the certificate.</summary>
    public byte[] IssuerName { get; }

    /// <summary>The serial number's big-endian bytes, as encoded in the certificate.</summary>
    public byte[] SerialNumber { get; }

    /// <summary>Why the key is not an ECDSA P-256 key, or null when it is.</summary>
    public string? UnsupportedKey { get; }

    /// <summary>The ECDSA P-256 public key (verification only, safe to share), or null when the key is of another kind.</summary>
    public ECDsa? PublicKey { get; }
}
