using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Trust;

/// <summary>Reads and writes certificates and their private keys as PEM files (keys as unencrypted PKCS#8, owner-only on Unix).</summary>
public static class CertificateFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes the certificate, and its private key when <paramref name="privateKeyPath"/> is given.</summary>
    public static void SavePem(X509Certificate2 certificate, string certificatePath, string? privateKeyPath = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePath);
        if (privateKeyPath is not null)
        {
            WritePrivateKey(privateKeyPath, ExportPrivateKeyPem(certificate));
        }

        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>Writes a private key as unencrypted PKCS#8 PEM, owner-only on Unix.</summary>
    public static void SavePrivateKeyPem(AsymmetricAlgorithm key, string privateKeyPath)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKeyPath);
        WritePrivateKey(privateKeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The first certificate of a PEM file.</summary>
    public static X509Certificate2 LoadCertificate(string pemPath)
    {
        var certificates = LoadCertificates(pemPath);
        for (var i = 1; i < certificates.Count; i++)
        {
            certificates[i].Dispose();
        }

        return certificates[0];
    }

    /// <summary>Every certificate of a PEM file, in file order; at least one.</summary>
    public static X509Certificate2Collection LoadCertificates(string pemPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pemPath);
        var text = File.ReadAllText(pemPath);
        var certificates = new X509Certificate2Collection();
        var remaining = text.AsMemory();
        while (PemEncoding.TryFind(remaining.Span, out var fields))
        {
            var label = remaining.Span[fields.Label];
            if (label.SequenceEqual("CERTIFICATE"))
            {
                var der = Convert.FromBase64String(remaining.Span[fields.Base64Data].ToString());
                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }

            remaining = remaining[fields.Location.End..];
        }

        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"'{pemPath}' holds no PEM 'CERTIFICATE' block.");
        }

        return certificates;
    }

    /// <summary>A certificate with its private key, from a certificate PEM file and an unencrypted PKCS#8 (or SEC1/PKCS#1) key PEM file.</summary>
    public static X509Certificate2 LoadWithPrivateKey(string certificatePemPath, string privateKeyPemPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePemPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKeyPemPath);
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePemPath, privateKeyPemPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidDataException(
                $"Cannot load the certificate '{certificatePemPath}' with the private key '{privateKeyPemPath}': {e.Message}", e);
        }
    }

    /// <summary>
    /// A copy of the certificate whose private key lives in a persisted, exportable form, as TLS servers need
    /// (keys created in memory cannot serve TLS on every platform). The caller disposes the copy.
    /// </summary>
    public static X509Certificate2 ForTlsServer(X509Certificate2 certificateWithKey)
    {
        ArgumentNullException.ThrowIfNull(certificateWithKey);
        if (!certificateWithKey.HasPrivateKey)
        {
            throw new ArgumentException($"The certificate '{certificateWithKey.Subject}' has no private key.", nameof(certificateWithKey));
        }

        var pkcs12 = certificateWithKey.Export(X509ContentType.Pkcs12);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pkcs12, password: null, X509KeyStorageFlags.Exportable);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs12);
        }
    }

    private static string ExportPrivateKeyPem(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = certificate.GetECDsaPrivateKey()
            ?? (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException(
                $"The certificate '{certificate.Subject}' has no ECDSA or RSA private key to save.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static void WritePrivateKey(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        using var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only to a new file; an existing key file keeps its mode unless we tighten it.
            File.SetUnixFileMode(stream.SafeFileHandle, OwnerReadWrite);
        }

        using var writer = new StreamWriter(stream);
        writer.Write(pem);
        writer.Write('\n');
    }
}
