using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federation.Gateway.Storage;
using Federation.Sdk.Trust;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Hosting;

/// <summary>Settings of the gateway host (configuration section "Gateway").</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The <see cref="Store"/> that keeps everything in SQLite files of <see cref="DataDirectory"/> (the default).</summary>
    public const string SqliteStore = "sqlite";

    /// <summary>The <see cref="Store"/> that keeps identity and audit in the PostgreSQL database of <see cref="ConnectionString"/>.</summary>
    public const string PostgresStore = "postgres";

    /// <summary>
    /// Where the gateway keeps its state: <c>sqlite</c> (the default: files in <see cref="DataDirectory"/>) or
    /// <c>postgres</c> (the database named by <see cref="ConnectionString"/>, shared by the gateway's replicas).
    /// </summary>
    public string Store { get; set; } = SqliteStore;

    /// <summary>
    /// With <see cref="Store"/> <c>postgres</c>: the Npgsql connection string of the gateway's database (Host, Port,
    /// Database, Username, Password, SSL Mode ...). Its password is never printed: messages and logs show "***".
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether <see cref="Store"/> is <c>postgres</c>.</summary>
    public bool UsesPostgres => string.Equals(Store, PostgresStore, StringComparison.OrdinalIgnoreCase);

    /// <summary>Folder holding the gateway's SQLite store (gateway.db) unless <see cref="DatabasePath"/> is set.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Path of the SQLite database file; defaults to DataDirectory/gateway.db.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// Folder of dataset documents (*.json, the catalogue's form) added to the datasets embedded in the SDK (optional):
    /// a dataset defined as data only. Every node releasing it needs the same documents (node.json "catalog").
    /// </summary>
    public string? CatalogDirectory { get; set; }

    /// <summary>PEM file of the federation root certificate that node certificates must chain to.</summary>
    public string? TrustRootPath { get; set; }

    /// <summary>IP address to listen on; loopback by default.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free port.</summary>
    public int Port { get; set; } = 7443;

    /// <summary>PEM certificate for TLS, issued by the federation CA.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM (PKCS#8) private key of the TLS certificate.</summary>
    public string? TlsPrivateKeyPath { get; set; }

    /// <summary>PEM certificate the gateway signs receipts and access tokens with, issued by the federation CA as a gateway signer.</summary>
    public string? SigningCertificatePath { get; set; }

    /// <summary>PEM (PKCS#8) private key of the signing certificate. Keep it as secret as the TLS key.</summary>
    public string? SigningPrivateKeyPath { get; set; }

    /// <summary>Path of the identity store (clients, keys, used assertions); defaults to DataDirectory/identity.db.</summary>
    public string? IdentityDatabasePath { get; set; }

    /// <summary>
    /// The token issuer (the address clients reach the token server at, for example https://gateway.example.ca:7443/).
    /// Required outside development (the gateway refuses to start without it); unset in development (DOTNET_ENVIRONMENT
    /// =Development, as the demo runs), the address each request came to.
    /// </summary>
    public string? TokenIssuer { get; set; }

    /// <summary>
    /// The issuer of a token server running on its own host (for example https://tokens.example.ca:7444/). Set: the
    /// gateway hosts no token endpoint and accepts only access tokens of this issuer signed with a key of
    /// <see cref="TokenServerSigningCertificatePath"/>. Unset: the gateway hosts the token server itself.
    /// </summary>
    public string? TokenServerIssuer { get; set; }

    /// <summary>
    /// PEM file of the external token server's signing certificate(s) (federation CA, token signer), public part only.
    /// During a rotation of the token signing key it holds the old and the new certificate.
    /// </summary>
    public string? TokenServerSigningCertificatePath { get; set; }

    /// <summary>Whether access tokens come from a token server on its own host (<see cref="TokenServerIssuer"/> is set).</summary>
    public bool UsesExternalTokenServer => !string.IsNullOrWhiteSpace(TokenServerIssuer);

    /// <summary>How long an access token lives, in seconds (revocation takes effect at once regardless).</summary>
    public int AccessTokenLifetimeSeconds { get; set; } = 600;

    /// <summary>Development only: serve plain HTTP/2 without TLS. Logged as a warning.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>gRPC server reflection, so tools such as buf curl can discover the API.</summary>
    public bool EnableReflection { get; set; } = true;

    /// <summary>
    /// PEM file of the transparency log's private key (ECDSA P-256, PKCS#8 or SEC1). It signs every checkpoint; its
    /// public verifier key is what nodes and auditors pin.
    /// </summary>
    public string? LogSigningKeyPath { get; set; }

    /// <summary>The log's origin: first line of every checkpoint and the signature's key name (no spaces or '+').</summary>
    public string LogOrigin { get; set; } = "federation-gateway/transparency-log";

    /// <summary>Largest request accepted, in bytes. A full release is a few kilobytes.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 1024 * 1024;

    internal string ResolvedIdentityDatabasePath =>
        IdentityDatabasePath ?? Path.Combine(DataDirectory ?? throw new InvalidOperationException("Gateway:DataDirectory is not set."), "identity.db");

    internal string ResolvedDatabasePath =>
        DatabasePath ?? Path.Combine(DataDirectory ?? throw new InvalidOperationException("Gateway:DataDirectory is not set."), "gateway.db");
}

/// <summary>Checks gateway settings at start-up; each failure names the setting.</summary>
internal sealed class GatewayOptionsValidator(IHostEnvironment environment) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        var section = GatewayOptions.SectionName;
        if (!options.UsesPostgres && string.IsNullOrWhiteSpace(options.DataDirectory) && string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{section}:DataDirectory (or {section}:DatabasePath) must be set: it is where the gateway keeps its store (or set {section}:Store to {GatewayOptions.PostgresStore}).");
        }

        if (string.IsNullOrWhiteSpace(options.TrustRootPath))
        {
            failures.Add($"{section}:TrustRootPath must name the federation root certificate (PEM).");
        }
        else if (!File.Exists(options.TrustRootPath))
        {
            failures.Add($"{section}:TrustRootPath: file '{options.TrustRootPath}' does not exist.");
        }

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"{section}:ListenAddress: '{options.ListenAddress}' is not an IP address.");
        }

        if (options.AllowInsecureHttp && IPAddress.TryParse(options.ListenAddress, out var address) && !IPAddress.IsLoopback(address))
        {
            failures.Add($"{section}:AllowInsecureHttp serves plain HTTP, which is allowed on a loopback address only (127.0.0.1 or ::1), not on {options.ListenAddress}: configure TLS to listen there.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{section}:Port: {options.Port} is not a TCP port (0-65535).");
        }

        if (!options.AllowInsecureHttp)
        {
            foreach (var (setting, path) in new[] { ("TlsCertificatePath", options.TlsCertificatePath), ("TlsPrivateKeyPath", options.TlsPrivateKeyPath) })
            {
                if (string.IsNullOrWhiteSpace(path))
                {
                    failures.Add($"{section}:{setting} must be set (TLS is required unless {section}:AllowInsecureHttp is true for local development).");
                }
                else if (!File.Exists(path))
                {
                    failures.Add($"{section}:{setting}: file '{path}' does not exist.");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(options.LogSigningKeyPath))
        {
            failures.Add($"{section}:LogSigningKeyPath must name the transparency log's private key (PEM, ECDSA P-256).");
        }
        else if (!File.Exists(options.LogSigningKeyPath))
        {
            failures.Add($"{section}:LogSigningKeyPath: file '{options.LogSigningKeyPath}' does not exist.");
        }
        else
        {
            try
            {
                using var key = Federation.Sdk.Transparency.LogSigningKey.Load("check", options.LogSigningKeyPath);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                failures.Add($"{section}:LogSigningKeyPath: {e.Message}");
            }
        }

        if (options.LogOrigin.Length == 0 || options.LogOrigin.Any(c => c == '+' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add($"{section}:LogOrigin: '{options.LogOrigin}' must be non-empty, without spaces or '+' (for example gateway.example.ca/log).");
        }

        ValidateStore(options, failures);
        ValidateSigningCertificate(options, failures);
        ValidateExternalTokenServer(options, failures);
        if (!string.IsNullOrWhiteSpace(options.TokenIssuer)
            && (!Uri.TryCreate(options.TokenIssuer, UriKind.Absolute, out var issuer) || (issuer.Scheme != Uri.UriSchemeHttps && !options.AllowInsecureHttp)))
        {
            failures.Add($"{section}:TokenIssuer: '{options.TokenIssuer}' is not an https:// address.");
        }
        else if (string.IsNullOrWhiteSpace(options.TokenIssuer) && !options.UsesExternalTokenServer && !environment.IsDevelopment())
        {
            // Taken from the request, the issuer would be whatever Host header a caller sends.
            failures.Add($"{section}:TokenIssuer must be set outside development: the https address clients reach this gateway's token server at "
                + $"(for example https://gateway.example.ca:7443/). The environment is {environment.EnvironmentName}; only a development federation "
                + "(DOTNET_ENVIRONMENT=Development) takes the issuer from each request.");
        }

        if (options.AccessTokenLifetimeSeconds is < 30 or > 86_400)
        {
            failures.Add($"{section}:AccessTokenLifetimeSeconds: {options.AccessTokenLifetimeSeconds} is outside 30 - 86400.");
        }

        if (options.MaxReceiveMessageBytes is < 16 * 1024 or > 64 * 1024 * 1024)
        {
            failures.Add($"{section}:MaxReceiveMessageBytes: {options.MaxReceiveMessageBytes} is outside 16 KiB - 64 MiB.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateStore(GatewayOptions options, List<string> failures)
    {
        var section = GatewayOptions.SectionName;
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (string.Equals(options.Store, GatewayOptions.SqliteStore, StringComparison.OrdinalIgnoreCase))
        {
            if (hasConnectionString)
            {
                failures.Add($"{section}:ConnectionString is set but {section}:Store is {GatewayOptions.SqliteStore}: set {section}:Store to {GatewayOptions.PostgresStore} to use that database, or remove the connection string.");
            }

            return;
        }

        if (!options.UsesPostgres)
        {
            // Someone may paste the connection string here: never echo a value that looks like one.
            failures.Add(options.Store.Contains('=', StringComparison.Ordinal)
                ? $"{section}:Store holds what looks like a connection string (not shown): set {section}:Store to {GatewayOptions.PostgresStore} and put the connection string in {section}:ConnectionString."
                : $"{section}:Store: '{options.Store}' is not a store: use {GatewayOptions.SqliteStore} (the default, files in {section}:DataDirectory) or {GatewayOptions.PostgresStore} (with {section}:ConnectionString).");
            return;
        }

        if (!hasConnectionString)
        {
            failures.Add($"{section}:ConnectionString must be set when {section}:Store is {GatewayOptions.PostgresStore}: the Npgsql connection string of the gateway's database (for example Host=db.example.ca;Database=federation;Username=gateway;Password=...).");
            return;
        }

        if (PostgresGatewayDatabase.Problem(options.ConnectionString!) is { } problem)
        {
            failures.Add($"{section}:ConnectionString: {problem}");
        }
    }

    private static void ValidateExternalTokenServer(GatewayOptions options, List<string> failures)
    {
        var section = GatewayOptions.SectionName;
        if (!options.UsesExternalTokenServer)
        {
            if (!string.IsNullOrWhiteSpace(options.TokenServerSigningCertificatePath))
            {
                failures.Add($"{section}:TokenServerSigningCertificatePath is set but {section}:TokenServerIssuer is not: name the external token server's issuer too, or remove both to host the token server in the gateway.");
            }

            return;
        }

        if (!Uri.TryCreate(options.TokenServerIssuer, UriKind.Absolute, out var issuer) || issuer.Scheme != Uri.UriSchemeHttps
            || issuer.Query.Length > 0 || issuer.Fragment.Length > 0)
        {
            failures.Add($"{section}:TokenServerIssuer: '{options.TokenServerIssuer}' is not an https:// address without query or fragment (for example https://tokens.example.ca:7444/).");
        }

        if (!string.IsNullOrWhiteSpace(options.TokenIssuer))
        {
            failures.Add($"{section}:TokenIssuer names the issuer of a token server hosted by the gateway, but {section}:TokenServerIssuer says tokens come from a token server on its own host: set only one.");
        }

        var setting = $"{section}:TokenServerSigningCertificatePath";
        if (!SettingChecks.RequireFile(failures, setting, options.TokenServerSigningCertificatePath,
                "the token server's signing certificate (PEM) is what the gateway checks access tokens with.")
            || string.IsNullOrWhiteSpace(options.TrustRootPath) || !File.Exists(options.TrustRootPath))
        {
            return;
        }

        try
        {
            var certificates = CertificateFiles.LoadCertificates(options.TokenServerSigningCertificatePath!);
            foreach (var certificate in certificates)
            {
                SettingChecks.CheckCertificate(failures, setting, certificate, options.TrustRootPath, FederationIdentity.IsTokenSigner,
                    $"token server signing certificate (it lacks the {FederationIdentity.TokenSignerUri} name; issue one with FederationCertificateAuthority.IssueTokenSigningCertificate)");
                certificate.Dispose();
            }
        }
        catch (Exception e) when (e is InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            failures.Add($"{setting}: {e.Message}");
        }
    }

    private static void ValidateSigningCertificate(GatewayOptions options, List<string> failures)
    {
        var section = GatewayOptions.SectionName;
        var missing = false;
        foreach (var (setting, path) in new[] { ("SigningCertificatePath", options.SigningCertificatePath), ("SigningPrivateKeyPath", options.SigningPrivateKeyPath) })
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                failures.Add($"{section}:{setting} must be set: the gateway signs receipts and access tokens with its own certificate from the federation CA.");
                missing = true;
            }
            else if (!File.Exists(path))
            {
                failures.Add($"{section}:{setting}: file '{path}' does not exist.");
                missing = true;
            }
        }

        if (missing || string.IsNullOrWhiteSpace(options.TrustRootPath) || !File.Exists(options.TrustRootPath))
        {
            return;
        }

        SettingChecks.CheckSigningCertificate(
            failures,
            $"{section}:SigningCertificatePath",
            options.SigningCertificatePath!,
            options.SigningPrivateKeyPath!,
            options.TrustRootPath,
            FederationIdentity.IsGatewaySigner,
            $"gateway signing certificate (it lacks the {FederationIdentity.GatewaySignerUri} name)");
    }
}
