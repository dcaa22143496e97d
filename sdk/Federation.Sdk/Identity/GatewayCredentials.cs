using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Sdk.Identity;

/// <summary>
/// How a client proves who it is to the federation's token server: a node with its key (<c>private_key_jwt</c>), an
/// analyst or administrator with a client secret.
/// </summary>
public abstract class GatewayCredentials
{
    private protected GatewayCredentials(string clientId, IReadOnlyList<string> scopes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ClientId = clientId;
        Scopes = scopes;
    }

    public string ClientId { get; }

    /// <summary>The scopes requested with each token.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>
    /// A node: authenticates with a client assertion signed by the key of <paramref name="certificateWithKey"/> (its
    /// signing certificate), asks for <see cref="FederationScopes.Submit"/>. The client id is the node id.
    /// </summary>
    public static GatewayCredentials ForNode(string clientId, X509Certificate2 certificateWithKey)
    {
        ArgumentNullException.ThrowIfNull(certificateWithKey);
        var key = certificateWithKey.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"The certificate '{certificateWithKey.Subject}' has no ECDSA private key.", nameof(certificateWithKey));
        return new PrivateKeyJwtCredentials(clientId, key, KeyIdOf(certificateWithKey));
    }

    /// <summary>An analyst or administrator: a client id and secret, asking for <paramref name="scopes"/>.</summary>
    public static GatewayCredentials ForSecret(string clientId, string secret, params string[] scopes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        return new ClientSecretCredentials(clientId, secret, scopes.Length == 0 ? [FederationScopes.Query] : scopes);
    }

    /// <summary>The key id a node certificate's key is registered under: the certificate's SHA-256 thumbprint (lower-case hex).</summary>
    public static string KeyIdOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>Adds the client authentication parameters to a token request.</summary>
    internal abstract void AddTo(IDictionary<string, string> form, Uri issuer, DateTimeOffset now);

    private sealed class PrivateKeyJwtCredentials(string clientId, ECDsa key, string keyId)
        : GatewayCredentials(clientId, [FederationScopes.Submit])
    {
        internal override void AddTo(IDictionary<string, string> form, Uri issuer, DateTimeOffset now)
        {
            form["client_assertion_type"] = ClientAssertion.AssertionType;
            form["client_assertion"] = ClientAssertion.Create(ClientId, issuer, key, keyId, now);
        }
    }

    private sealed class ClientSecretCredentials(string clientId, string secret, IReadOnlyList<string> scopes)
        : GatewayCredentials(clientId, scopes)
    {
        internal override void AddTo(IDictionary<string, string> form, Uri issuer, DateTimeOffset now)
        {
            form["client_id"] = ClientId;
            form["client_secret"] = secret;
        }
    }
}

/// <summary>
/// A client secret kept in a JSON file readable only by its owner: <c>{"clientId": ..., "clientSecret": ..., "scopes": [...]}</c>,
/// and <c>"tokenIssuer"</c> when tokens come from a token server on its own host rather than from the gateway.
/// The token server keeps only a hash of the secret.
/// </summary>
public sealed record ClientSecretFile(
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("clientSecret")] string ClientSecret,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("tokenIssuer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenIssuer = null)
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public GatewayCredentials ToCredentials() => GatewayCredentials.ForSecret(ClientId, ClientSecret, [.. Scopes]);

    public static ClientSecretFile Load(string path)
    {
        var file = JsonSerializer.Deserialize<ClientSecretFile>(File.ReadAllText(path), s_json);
        if (file is null || string.IsNullOrWhiteSpace(file.ClientId) || string.IsNullOrWhiteSpace(file.ClientSecret))
        {
            throw new InvalidDataException($"'{path}' is not a client secret file: it needs clientId and clientSecret.");
        }

        return file;
    }

    /// <summary>Writes the file owner-only (mode 0600 on Unix), replacing any existing one.</summary>
    public void Save(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        JsonSerializer.Serialize(stream, this, s_json);
    }
}
