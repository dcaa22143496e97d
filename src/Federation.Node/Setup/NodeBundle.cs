using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Sdk.Catalog;

namespace Federation.Node.Setup;

/// <summary>
/// The administrator's hand-over to a new node, in one JSON file (<c>fed admin node-bundle</c>): who the node is, the
/// gateway's address, the federation root and the transparency log's verifier key. It holds no secret: the node makes
/// its own keys (<c>fed node init</c>). Its root's fingerprint is compared out of band before it is trusted.
/// </summary>
public sealed record NodeBundle(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("jurisdiction")] string Jurisdiction,
    [property: JsonPropertyName("nodeId")] string NodeId,
    [property: JsonPropertyName("datasetId")] string DatasetId,
    [property: JsonPropertyName("gatewayAddress")] string GatewayAddress,
    [property: JsonPropertyName("trustRootPem")] string TrustRootPem,
    [property: JsonPropertyName("logVerifierKey")] string LogVerifierKey,
    [property: JsonPropertyName("tokenIssuer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenIssuer = null)
{
    /// <summary>The value of <see cref="Format"/> this version reads and writes.</summary>
    public const string CurrentFormat = "federation.node-bundle.v1";

    // Relaxed escaping keeps the PEM and key readable ('+' rather than \u002B); the file is never embedded in HTML.
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A bundle from the administrator's files, each checked: a known jurisdiction and dataset, an https gateway address,
    /// a PEM root certificate and a log verifier key. Throws <see cref="InvalidDataException"/> naming what is wrong.
    /// </summary>
    public static NodeBundle Create(
        string jurisdiction, string nodeId, string datasetId, Uri gatewayAddress, string trustRootPath, string logVerifierKeyPath, Uri? tokenIssuer)
    {
        var bundle = new NodeBundle(
            CurrentFormat,
            jurisdiction,
            nodeId,
            datasetId,
            gatewayAddress.ToString(),
            File.Exists(trustRootPath) ? File.ReadAllText(trustRootPath) : throw new InvalidDataException($"The trust root '{trustRootPath}' does not exist."),
            File.Exists(logVerifierKeyPath) ? File.ReadAllText(logVerifierKeyPath).Trim() : throw new InvalidDataException($"The log verifier key '{logVerifierKeyPath}' does not exist."),
            tokenIssuer?.ToString());
        bundle.ThrowIfInvalid(trustRootPath, logVerifierKeyPath);
        return bundle;
    }

    /// <summary>Reads and checks a bundle file; throws <see cref="InvalidDataException"/> naming the file and what is wrong.</summary>
    public static NodeBundle Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The node bundle '{path}' does not exist.");
        }

        NodeBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize<NodeBundle>(File.ReadAllText(path), s_json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a node bundle: {e.Message}", e);
        }

        if (bundle is null || bundle.Format != CurrentFormat)
        {
            throw new InvalidDataException($"'{path}' is not a node bundle ({CurrentFormat}); ask the administrator for the file `fed admin node-bundle` writes.");
        }

        bundle.ThrowIfInvalid(path, path);
        return bundle;
    }

    /// <summary>Writes the bundle (it holds no secret).</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json) + Environment.NewLine);

    /// <summary>The SHA-256 fingerprint of the federation root, as <c>openssl x509 -noout -fingerprint -sha256</c> prints it.</summary>
    public string TrustRootFingerprint()
    {
        using var root = RootCertificate();
        return Fingerprint(root);
    }

    /// <summary>A certificate's SHA-256 fingerprint in OpenSSL's form (upper-case hex pairs joined by colons).</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
    }

    private X509Certificate2 RootCertificate() =>
        X509Certificate2.CreateFromPem(TrustRootPem);

    private void ThrowIfInvalid(string rootSource, string logKeySource)
    {
        if (!Sdk.Catalog.Jurisdiction.IsValid(Jurisdiction))
        {
            throw new InvalidDataException($"jurisdiction: '{Jurisdiction}' is not one of {string.Join(", ", Sdk.Catalog.Jurisdiction.All)}.");
        }

        if (string.IsNullOrWhiteSpace(NodeId) || NodeId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new InvalidDataException($"node id: '{NodeId}' is not a name of letters, digits, '-', '_' or '.' (for example node-{Jurisdiction.ToLowerInvariant()}).");
        }

        if (DatasetCatalog.Default.Find(DatasetId) is null)
        {
            throw new InvalidDataException($"dataset: '{DatasetId}' is not a known dataset ({string.Join(", ", DatasetCatalog.Default.Datasets.Select(d => d.Id))}).");
        }

        if (!Uri.TryCreate(GatewayAddress, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidDataException($"gateway address: '{GatewayAddress}' is not an https:// address.");
        }

        try
        {
            using var root = RootCertificate();
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"'{rootSource}': the trust root is not a PEM certificate: {e.Message}", e);
        }

        using var key = Sdk.Transparency.LogVerifierKey.TryParse(LogVerifierKey, out var error)
            ?? throw new InvalidDataException($"'{logKeySource}': not a log verifier key: {error}.");
    }
}
