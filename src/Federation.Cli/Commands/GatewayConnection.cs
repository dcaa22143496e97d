using System.CommandLine;
using Federation.Cli.Demo;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Net.Client;

namespace Federation.Cli.Commands;

/// <summary>Finds the gateway address and trust root from explicit options or from a demo data folder.</summary>
internal static class GatewayConnection
{
    /// <summary>
    /// The federation root certificate file: <c>--trust-root</c>, else (without --gateway) the one the running demo
    /// under --data names, else the demo's root.
    /// </summary>
    public static string TrustRootFile(ParseResult parse, Option<DirectoryInfo> data, Option<Uri?> gateway, Option<FileInfo?> trustRoot)
    {
        var layout = new DemoLayout(parse.GetValue(data)!.FullName);
        return parse.GetValue(trustRoot)?.FullName
            ?? (parse.GetValue(gateway) is null ? layout.ReadEndpoint()?.TrustRoot : null)
            ?? layout.RootCertificate;
    }

    /// <summary>
    /// A channel to the gateway whose calls carry tokens for the client of the <c>--credentials</c> file, or of the
    /// demo's <paramref name="demoCredentials"/> file under --data (the analyst's unless said otherwise). Tokens come
    /// from <paramref name="tokenIssuer"/>, else the credentials file's tokenIssuer, else the gateway itself.
    /// <paramref name="host"/> replaces the gateway address (to call a token server's admin API).
    /// </summary>
    public static GrpcChannel Open(
        ParseResult parse,
        Option<DirectoryInfo> data,
        Option<Uri?> gateway,
        Option<FileInfo?> trustRoot,
        Option<FileInfo?>? credentials = null,
        Func<DemoLayout, string>? demoCredentials = null,
        Uri? tokenIssuer = null,
        Uri? host = null)
    {
        var layout = new DemoLayout(parse.GetValue(data)!.FullName);
        var address = host ?? parse.GetValue(gateway);
        var root = parse.GetValue(trustRoot)?.FullName;
        if (address is null)
        {
            var endpoint = layout.ReadEndpoint() ?? throw new CommandException(
                $"No gateway address: pass --gateway URL, or start `fed demo` (it writes {layout.EndpointFile}).");
            address = endpoint.Address;
            root ??= endpoint.TrustRoot;
        }

        root ??= layout.RootCertificate;
        if (address.Scheme == Uri.UriSchemeHttps && !File.Exists(root))
        {
            throw new CommandException($"Trust root '{root}' does not exist: pass --trust-root PEM.");
        }

        var trust = address.Scheme == Uri.UriSchemeHttps ? FederationTrust.FromPemFile(root) : null;
        var secretFile = (credentials is null ? null : parse.GetValue(credentials)?.FullName) ?? (demoCredentials ?? (l => l.AnalystCredentials))(layout);
        if (!File.Exists(secretFile))
        {
            throw new CommandException(
                $"No client credentials: '{secretFile}' does not exist. Pass --credentials FILE (a JSON file with clientId and clientSecret from your federation administrator).");
        }

        ClientSecretFile file;
        try
        {
            file = ClientSecretFile.Load(secretFile);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            throw new CommandException($"'{secretFile}' is not a client credentials file: {e.Message}");
        }

        // The provider lives as long as the command; the process ends with it.
        var issuer = tokenIssuer ?? (file.TokenIssuer is { } fromFile ? new Uri(fromFile) : address);
        if (issuer.Scheme == Uri.UriSchemeHttps && trust is null)
        {
            trust = File.Exists(root) ? FederationTrust.FromPemFile(root) : throw new CommandException($"Trust root '{root}' does not exist: pass --trust-root PEM.");
        }

        var tokens = new GatewayTokenProvider(issuer, file.ToCredentials(), trust);
        return GatewayChannel.Create(address, trust, tokens: tokens);
    }
}

/// <summary>A user error: printed as one line, exit code 2.</summary>
internal sealed class CommandException(string message) : Exception(message);
