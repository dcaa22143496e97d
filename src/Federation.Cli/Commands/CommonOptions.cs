using System.CommandLine;
using Federation.Cli.Demo;

namespace Federation.Cli.Commands;

/// <summary>Options shared by several commands, defined once.</summary>
internal static class CommonOptions
{
    public static Option<DirectoryInfo> Data() => new("--data")
    {
        Description = $"Data folder of a development federation made by `fed demo` (default: {DemoLayout.DefaultRoot}).",
        DefaultValueFactory = _ => new DirectoryInfo(DemoLayout.DefaultRoot),
    };

    public static Option<Uri?> Gateway() => new("--gateway")
    {
        Description = "Gateway address, for example https://gateway.example.ca:7443. Default: the running demo's, from --data.",
        CustomParser = AbsoluteUri,
    };

    /// <summary>Parses an absolute address (System.CommandLine has no converter for Uri).</summary>
    public static Uri? AbsoluteUri(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri;
        }

        result.AddError($"'{text}' is not an http(s) address, for example https://gateway.example.ca:7443.");
        return null;
    }

    public static Option<FileInfo?> Credentials() => new("--credentials")
    {
        Description = "JSON file with the client id and secret to get access tokens with ({\"clientId\": ..., \"clientSecret\": ...}). Default: the demo's, from --data.",
    };

    public static Option<FileInfo?> TrustRoot() => new("--trust-root")
    {
        Description = "PEM file of the federation root certificate the gateway's TLS certificate must chain to. Default: the demo's, from --data.",
    };

    public static Option<bool> Verbose() => new("--verbose") { Description = "Also print the detail (stack trace) of failures, such as an adapter's exception." };
}
