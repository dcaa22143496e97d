using System.CommandLine;
using Federation.Cli.Demo;
using Federation.Sdk.Client;
using Federation.Sdk.Trust;
using Grpc.Net.Client;

namespace Federation.Cli.Commands;

/// <summary>Finds the gateway address and trust root from explicit options or from a demo data folder.</summary>
internal static class GatewayConnection
{
    public static GrpcChannel Open(ParseResult parse, Option<DirectoryInfo> data, Option<Uri?> gateway, Option<FileInfo?> trustRoot)
    {
        var layout = new DemoLayout(parse.GetValue(data)!.FullName);
        var address = parse.GetValue(gateway);
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

        return GatewayChannel.Create(address, address.Scheme == Uri.UriSchemeHttps ? FederationTrust.FromPemFile(root) : null);
    }
}

/// <summary>A user error: printed as one line, exit code 2.</summary>
internal sealed class CommandException(string message) : Exception(message);
