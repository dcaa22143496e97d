using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Trust;

namespace Federation.Gateway.Hosting;

/// <summary>Start-up checks shared by the gateway's and the token server's settings; every failure names the setting.</summary>
internal static class SettingChecks
{
    /// <summary>Adds a failure unless <paramref name="path"/> is set and names an existing file; returns whether it does.</summary>
    public static bool RequireFile(List<string> failures, string setting, string? path, string purpose)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{setting} must be set: {purpose}");
            return false;
        }

        if (!File.Exists(path))
        {
            failures.Add($"{setting}: file '{path}' does not exist.");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Checks a signing certificate and its key: ECDSA P-256, issued by the federation root, marked for
    /// <paramref name="roleName"/> (<paramref name="hasRole"/>). Failures name <paramref name="setting"/>.
    /// </summary>
    public static void CheckSigningCertificate(
        List<string> failures,
        string setting,
        string certificatePath,
        string privateKeyPath,
        string trustRootPath,
        Func<X509Certificate2, bool> hasRole,
        string roleName)
    {
        try
        {
            using var certificate = CertificateFiles.LoadWithPrivateKey(certificatePath, privateKeyPath);
            CheckCertificate(failures, setting, certificate, trustRootPath, hasRole, roleName);
        }
        catch (InvalidDataException e)
        {
            failures.Add($"{setting}: {e.Message}");
        }
    }

    /// <summary>The checks of <see cref="CheckSigningCertificate"/> on a certificate without its private key (a verifier's copy).</summary>
    public static void CheckCertificate(
        List<string> failures,
        string setting,
        X509Certificate2 certificate,
        string trustRootPath,
        Func<X509Certificate2, bool> hasRole,
        string roleName)
    {
        using var key = certificate.GetECDsaPublicKey();
        var chain = FederationTrust.FromPemFile(trustRootPath).Validate(certificate, DateTimeOffset.UtcNow);
        if (key is null || key.KeySize != 256)
        {
            failures.Add($"{setting}: '{certificate.Subject}' does not hold an ECDSA P-256 key.");
        }
        else if (!hasRole(certificate))
        {
            failures.Add($"{setting}: '{certificate.Subject}' is not a {roleName}.");
        }
        else if (!chain.IsTrusted)
        {
            failures.Add($"{setting}: {chain.Message}");
        }
    }
}
