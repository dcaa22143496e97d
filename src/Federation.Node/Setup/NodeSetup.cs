using System.Text.Json.Nodes;
using Federation.Sdk.Trust;

namespace Federation.Node.Setup;

/// <summary>
/// Makes a new node's files from the administrator's bundle (<c>fed node init</c>): the federation root and log
/// verifier key it hands over, the node's protection key and signing key (owner-only), the certificate request for
/// the administrator, and a complete node.json. Never replaces a file.
/// </summary>
public static class NodeSetup
{
    public const string ConfigurationFile = "node.json";
    public const string TrustRootFile = "root.pem";
    public const string LogVerifierKeyFile = "log.pub";
    public const string ProtectionKeyFile = "rounding.key";
    public const string SigningKeyFile = "node.key";
    public const string CertificateRequestFile = "node.csr";

    /// <summary>Where the certificate the administrator sends back goes; node.json names it.</summary>
    public const string CertificateFile = "node.pem";

    /// <summary>
    /// Writes the node's files into <paramref name="directory"/>; <paramref name="stateDirectory"/> and
    /// <paramref name="casesPath"/> go into node.json as given (relative ones are resolved from its folder). Throws
    /// <see cref="IOException"/> naming the files that exist, before writing anything.
    /// </summary>
    public static NodeInitialization Initialize(NodeBundle bundle, string directory, string stateDirectory, string casesPath, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var folder = Path.GetFullPath(directory);
        string PathOf(string name) => Path.Combine(folder, name);
        var existing = new[] { ConfigurationFile, TrustRootFile, LogVerifierKeyFile, ProtectionKeyFile, SigningKeyFile, CertificateRequestFile, CertificateFile }
            .Where(name => File.Exists(PathOf(name)))
            .ToArray();
        if (existing.Length > 0)
        {
            throw new IOException(
                $"'{folder}' already holds {string.Join(", ", existing)}: `fed node init` never replaces a file (a node's keys cannot be made again). "
                + "Nothing was written. Use an empty folder; to rotate the signing key use `fed node enrol`.");
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(PathOf(TrustRootFile), bundle.TrustRootPem.TrimEnd() + "\n");
        File.WriteAllText(PathOf(LogVerifierKeyFile), bundle.LogVerifierKey + "\n");
        NodeProtectionKey.Create(PathOf(ProtectionKeyFile));
        CreateSigningKey(bundle.Jurisdiction, bundle.NodeId, PathOf(SigningKeyFile), PathOf(CertificateRequestFile));

        var lastYear = timeProvider.GetUtcNow().Year - 1;
        var configuration = new NodeConfiguration
        {
            Jurisdiction = bundle.Jurisdiction,
            NodeId = bundle.NodeId,
            DatasetId = bundle.DatasetId,
            Gateway = new NodeConfiguration.GatewaySettings
            {
                Address = bundle.GatewayAddress,
                TrustRoot = TrustRootFile,
                LogVerifierKey = LogVerifierKeyFile,
                TokenIssuer = bundle.TokenIssuer,
            },
            Signing = new NodeConfiguration.SigningSettings { Certificate = CertificateFile, PrivateKey = SigningKeyFile },
            Protection = new NodeConfiguration.ProtectionSettings { KeyFile = ProtectionKeyFile },
            ReferenceYears = [.. Enumerable.Range(lastYear - 3, 4)],
            Sources = [new NodeConfiguration.SourceSettings { Name = "cases", Adapter = "csv", Options = new JsonObject { ["path"] = casesPath } }],
            Schedule = new NodeConfiguration.ScheduleSettings { Every = TimeSpan.FromDays(1) },
            StateDirectory = stateDirectory,
        };
        configuration.Save(PathOf(ConfigurationFile));
        return new NodeInitialization(folder, PathOf(ConfigurationFile), PathOf(CertificateRequestFile), PathOf(CertificateFile), bundle.TrustRootFingerprint());
    }

    /// <summary>
    /// Makes the node's signing key (ECDSA P-256, owner-only) and its certificate request for the administrator:
    /// enrolment, and the first step of a key rotation. Throws <see cref="IOException"/> when the key file exists.
    /// </summary>
    public static void CreateSigningKey(string jurisdiction, string nodeId, string keyPath, string requestPath)
    {
        if (File.Exists(keyPath))
        {
            throw new IOException($"'{keyPath}' exists; a new key needs a new file (for a rotation, for example node-{DateTime.UtcNow.Year + 1}.key). Nothing was written.");
        }

        var (key, pem) = NodeEnrolment.CreateRequest(jurisdiction, nodeId);
        using (key)
        {
            CertificateFiles.SavePrivateKeyPem(key, keyPath);
        }

        File.WriteAllText(requestPath, pem);
    }
}

/// <summary>The files <see cref="NodeSetup.Initialize"/> made, and the federation root's fingerprint to compare out of band.</summary>
public sealed record NodeInitialization(string Directory, string Configuration, string CertificateRequest, string Certificate, string TrustRootFingerprint);
