using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;

namespace Federation.Node;

/// <summary>
/// Whether the node's certificate and key make the identity its configuration claims, checked before anything is read,
/// signed or charged to the privacy budget: the certificate belongs to the private key, binds the configured
/// jurisdiction and node id, is within its validity and chains to the federation root. Whether the gateway still
/// accepts it (not revoked) is asked by <see cref="NodeGatewayConnection.CheckAccessAsync"/>.
/// </summary>
public static class NodeIdentity
{
    /// <summary>What to do when the certificate is not (or no longer) usable: the rotation steps of the node guide.</summary>
    private const string GetNewCertificate =
        "make a new key and request with `fed node enrol`, have the federation administrator issue and register its certificate "
        + "(`fed admin issue-certificate`, `fed admin register-node`), then point signing.certificate and signing.privateKey at the new files";

    /// <summary>
    /// Every problem with the node's identity at <paramref name="now"/>, each naming the setting at fault and what to do;
    /// empty when the identity is usable. The files must exist (<see cref="NodeConfiguration.Validate"/> says when not).
    /// </summary>
    public static IReadOnlyList<string> Problems(NodeConfiguration configuration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var certificatePath = configuration.Resolve(configuration.Signing.Certificate);
        var keyPath = configuration.Resolve(configuration.Signing.PrivateKey);
        var rootPath = configuration.Resolve(configuration.Gateway.TrustRoot);
        X509Certificate2 certificate;
        try
        {
            certificate = CertificateFiles.LoadCertificate(certificatePath);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            return [$"signing.certificate: '{certificatePath}' is not a PEM certificate ({e.Message}); it should be the certificate the administrator issued for this node."];
        }

        using (certificate)
        {
            var problems = new List<string>();
            try
            {
                using var withKey = CertificateFiles.LoadWithPrivateKey(certificatePath, keyPath);
            }
            catch (InvalidDataException e)
            {
                problems.Add(
                    $"signing.privateKey: '{keyPath}' is not the private key of the certificate '{certificatePath}' ({certificate.Subject}, thumbprint {GatewayCredentials.KeyIdOf(certificate)}): "
                    + $"{e.InnerException?.Message.TrimEnd('.') ?? "it cannot be read"}. "
                    + "Point signing.privateKey at the key whose request this certificate was issued from, or signing.certificate at the certificate issued for this key.");
            }

            var jurisdiction = FederationIdentity.GetJurisdiction(certificate);
            if (!string.Equals(jurisdiction, configuration.Jurisdiction, StringComparison.Ordinal))
            {
                problems.Add(
                    $"signing.certificate: the certificate '{certificatePath}' is bound to jurisdiction {jurisdiction ?? "(none)"}, but jurisdiction is {configuration.Jurisdiction}. "
                    + $"A node can only send for the jurisdiction of its certificate: correct jurisdiction, or ask the administrator for a certificate bound to {configuration.Jurisdiction}.");
            }

            var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (!string.Equals(commonName, configuration.NodeId, StringComparison.Ordinal))
            {
                problems.Add(
                    $"signing.certificate: the certificate '{certificatePath}' was issued to node '{commonName}', but nodeId is '{configuration.NodeId}'. "
                    + "The node id is the certificate's common name and the node's client id at the gateway: set nodeId to it, or use this node's own certificate.");
            }

            // An expired certificate needs replacing whatever else is wrong with it; its chain is checked only while it is valid.
            var problem = TimeProblem(certificate, certificatePath, now) ?? ChainProblem(certificate, certificatePath, rootPath, now);
            if (problem is not null)
            {
                problems.Add(problem);
            }

            return problems;
        }
    }

    /// <summary>Throws <see cref="NodeConfigurationException"/> listing every identity problem; nothing has been read, signed or charged.</summary>
    public static void ThrowIfUnusable(NodeConfiguration configuration, DateTimeOffset now)
    {
        var problems = Problems(configuration, now);
        if (problems.Count > 0)
        {
            throw new NodeConfigurationException(
                $"The node's identity cannot be used; nothing was read, signed or charged to the privacy budget:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", problems));
        }
    }

    private static string? TimeProblem(X509Certificate2 certificate, string path, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        if (now > notAfter)
        {
            return $"signing.certificate: the certificate '{path}' expired on {notAfter.UtcDateTime:u}: {GetNewCertificate}.";
        }

        return now < notBefore
            ? $"signing.certificate: the certificate '{path}' is not valid before {notBefore.UtcDateTime:u} (it is {now.UtcDateTime:u}): check this machine's clock, or wait."
            : null;
    }

    private static string? ChainProblem(X509Certificate2 certificate, string path, string rootPath, DateTimeOffset at)
    {
        FederationTrust trust;
        try
        {
            trust = FederationTrust.FromPemFile(rootPath);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            return $"gateway.trustRoot: '{rootPath}' is not a PEM certificate ({e.Message}); it should be the federation root from the administrator's node bundle.";
        }

        var check = trust.Validate(certificate, at);
        return check.IsTrusted
            ? null
            : $"signing.certificate: the certificate '{path}' does not chain to the federation root in '{rootPath}': {check.Message} "
                + "Use the certificate the federation administrator issued with the federation's CA, and the root.pem of the same federation.";
    }
}
