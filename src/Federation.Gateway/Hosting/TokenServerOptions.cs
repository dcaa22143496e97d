using System.Net;
using Federation.Sdk.Trust;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Hosting;

/// <summary>Settings of the token server on its own host (configuration section "TokenServer").</summary>
public sealed class TokenServerOptions
{
    public const string SectionName = "TokenServer";

    /// <summary>Folder holding identity.db (clients, their keys, used assertions) and audit.db.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Path of the identity store; defaults to DataDirectory/identity.db.</summary>
    public string? IdentityDatabasePath { get; set; }

    /// <summary>PEM file of the federation root certificate: node certificates registered here must chain to it.</summary>
    public string? TrustRootPath { get; set; }

    /// <summary>
    /// The issuer: the https address clients reach this server at (for example https://tokens.example.ca:7444/). The
    /// gateway's Gateway:TokenServerIssuer and each node's gateway.tokenIssuer name the same address.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>IP address to listen on; loopback by default.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free port.</summary>
    public int Port { get; set; } = 7444;

    /// <summary>PEM certificate for TLS, issued by the federation CA for the issuer's host name.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM (PKCS#8) private key of the TLS certificate.</summary>
    public string? TlsPrivateKeyPath { get; set; }

    /// <summary>
    /// PEM certificate access tokens are signed with: issued by the federation CA as a token signer
    /// (FederationCertificateAuthority.IssueTokenSigningCertificate). The gateway is given a copy (public part only).
    /// </summary>
    public string? SigningCertificatePath { get; set; }

    /// <summary>PEM (PKCS#8) private key of the signing certificate: whoever holds it can mint tokens for any client.</summary>
    public string? SigningPrivateKeyPath { get; set; }

    /// <summary>How long an access token lives, in seconds: the longest a token outlives a revocation made only here.</summary>
    public int AccessTokenLifetimeSeconds { get; set; } = 600;

    internal string ResolvedIdentityDatabasePath =>
        IdentityDatabasePath ?? Path.Combine(DataDirectory ?? throw new InvalidOperationException("TokenServer:DataDirectory is not set."), "identity.db");

    internal string ResolvedAuditDatabasePath =>
        Path.Combine(DataDirectory ?? Path.GetDirectoryName(Path.GetFullPath(IdentityDatabasePath!))!, "audit.db");
}

/// <summary>Checks token server settings at start-up; each failure names the setting.</summary>
internal sealed class TokenServerOptionsValidator : IValidateOptions<TokenServerOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenServerOptions options)
    {
        var failures = new List<string>();
        var section = TokenServerOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.DataDirectory) && string.IsNullOrWhiteSpace(options.IdentityDatabasePath))
        {
            failures.Add($"{section}:DataDirectory (or {section}:IdentityDatabasePath) must be set: it is where the token server keeps its clients and their keys.");
        }

        var root = SettingChecks.RequireFile(failures, $"{section}:TrustRootPath", options.TrustRootPath, "the federation root certificate (PEM).");
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{section}:Issuer must be set: the https address clients reach this server at (for example https://tokens.example.ca:7444/); the gateway expects exactly this issuer.");
        }
        else if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer) || issuer.Scheme != Uri.UriSchemeHttps
            || issuer.Query.Length > 0 || issuer.Fragment.Length > 0)
        {
            failures.Add($"{section}:Issuer: '{options.Issuer}' is not an https:// address without query or fragment.");
        }

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"{section}:ListenAddress: '{options.ListenAddress}' is not an IP address.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{section}:Port: {options.Port} is not a TCP port (0-65535).");
        }

        SettingChecks.RequireFile(failures, $"{section}:TlsCertificatePath", options.TlsCertificatePath, "a TLS certificate from the federation CA (the token server serves only TLS).");
        SettingChecks.RequireFile(failures, $"{section}:TlsPrivateKeyPath", options.TlsPrivateKeyPath, "the TLS certificate's private key (PEM).");
        var certificate = SettingChecks.RequireFile(failures, $"{section}:SigningCertificatePath", options.SigningCertificatePath,
            "the token server signs access tokens with its own certificate from the federation CA (a token signer).");
        var key = SettingChecks.RequireFile(failures, $"{section}:SigningPrivateKeyPath", options.SigningPrivateKeyPath, "the signing certificate's private key (PEM).");
        if (root && certificate && key)
        {
            SettingChecks.CheckSigningCertificate(
                failures,
                $"{section}:SigningCertificatePath",
                options.SigningCertificatePath!,
                options.SigningPrivateKeyPath!,
                options.TrustRootPath!,
                FederationIdentity.IsTokenSigner,
                $"token server signing certificate (it lacks the {FederationIdentity.TokenSignerUri} name)");
        }

        if (options.AccessTokenLifetimeSeconds is < 30 or > 86_400)
        {
            failures.Add($"{section}:AccessTokenLifetimeSeconds: {options.AccessTokenLifetimeSeconds} is outside 30 - 86400.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
