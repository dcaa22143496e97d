using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Federation.Cli.Demo;
using Federation.Node.Setup;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed admin`: enrolment, rotation and revocation of nodes and clients, the audit log, provenance. The offline commands
/// (certificates, node bundles, log keys) are here; those that call the gateway are in <see cref="AdminRegistryCommands"/>
/// and <see cref="AdminAuditCommands"/>.
/// </summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var command = new Command("admin", "Federation administration: issue and register node certificates, register clients, revoke, read the audit log.");
        command.Add(IssueCertificate());
        command.Add(NodeBundleCommand());
        command.Add(LogKeyCommand.Create());
        command.Add(AdminRegistryCommands.RegisterNode());
        command.Add(AdminRegistryCommands.RegisterClient());
        command.Add(AdminRegistryCommands.RevokeCertificate());
        command.Add(AdminRegistryCommands.RevokeClient());
        command.Add(AdminRegistryCommands.Clients());
        command.Add(AdminAuditCommands.Audit());
        command.Add(AdminAuditCommands.Provenance());
        return command;
    }

    /// <summary>
    /// `fed admin issue-certificate`: offline, with the federation CA's key. Turns a node's certificate request into a
    /// certificate bound to one jurisdiction.
    /// </summary>
    private static Command IssueCertificate()
    {
        var request = new Option<FileInfo>("--request") { Description = "The node's certificate request (PEM), from `fed node enrol`.", Required = true };
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "The one jurisdiction the certificate binds (for example ON).", Required = true };
        var caCertificate = new Option<FileInfo>("--ca-certificate") { Description = "The federation root certificate (PEM).", Required = true };
        var caKey = new Option<FileInfo>("--ca-key") { Description = "The federation root's private key (PEM). Keep it offline.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the node certificate (PEM).", Required = true };
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 365 };
        var command = new Command("issue-certificate", "Issue a node certificate from its certificate request with the federation CA (offline; no gateway needed).")
        {
            request, jurisdiction, caCertificate, caKey, output, days,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var authority = FederationCertificateAuthority.Load(parse.GetValue(caCertificate)!.FullName, parse.GetValue(caKey)!.FullName);
                var pem = await File.ReadAllTextAsync(parse.GetValue(request)!.FullName, cancellationToken);
                using var certificate = authority.IssueNodeCertificateFromRequest(
                    pem, parse.GetValue(jurisdiction)!.ToUpperInvariant(), TimeSpan.FromDays(parse.GetValue(days)));
                var path = parse.GetValue(output)!.FullName;
                CertificateFiles.SavePem(certificate, path);
                Console.WriteLine($"Issued {certificate.Subject} for {FederationIdentity.GetJurisdiction(certificate)}, valid to {certificate.NotAfter.ToUniversalTime():u}: {path}");
                Console.WriteLine($"Thumbprint (key id): {GatewayCredentials.KeyIdOf(certificate)}");
                Console.WriteLine($"Next: `fed admin register-node --certificate {path}`, then send the certificate to the node.");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        });
        return command;
    }

    /// <summary>
    /// `fed admin node-bundle`: the hand-over a new node needs in one file (no secret): who it is, the gateway's
    /// address, the federation root and the log's verifier key. The node makes its keys itself with `fed node init`.
    /// </summary>
    private static Command NodeBundleCommand()
    {
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "The node's jurisdiction (for example NS).", Required = true };
        var nodeId = new Option<string?>("--node-id") { Description = "The node's id, its certificate's common name and client id. Default: node-<jurisdiction>, for example node-ns." };
        var dataset = new Option<string>("--dataset") { Description = "The dataset the node releases.", DefaultValueFactory = _ => "trafficking.victims.v1" };
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        gateway.Description = "The gateway's address as nodes reach it, for example https://gateway.example.ca:7443. Default: the running demo's, from --data.";
        var trustRoot = CommonOptions.TrustRoot();
        trustRoot.Description = "PEM file of the federation root certificate. Default: the demo's, from --data.";
        var logKey = new Option<FileInfo?>("--log-key") { Description = "The transparency log's verifier key (log.pub, one line). Default: the demo's, from --data." };
        var tokenServer = new Option<Uri?>("--token-server")
        {
            Description = "The token server's issuer when it runs on its own host (written as the node's gateway.tokenIssuer).",
            CustomParser = CommonOptions.AbsoluteUri,
        };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the bundle (JSON; it holds no secret).", Required = true };
        var command = new Command(
            "node-bundle",
            "Write what a new node needs from the administrator in one file: its jurisdiction and node id, the gateway's address, the federation root "
            + "and the transparency log's verifier key. No secret: the node makes its keys with `fed node init --bundle FILE`.")
        {
            jurisdiction, nodeId, dataset, data, gateway, trustRoot, logKey, tokenServer, output,
        };
        command.SetAction(GuardedAction.Of((parse, cancellationToken) =>
        {
            var layout = new DemoLayout(parse.GetValue(data)!.FullName);
            var code = parse.GetValue(jurisdiction)!.ToUpperInvariant();
            var endpoint = layout.ReadEndpoint();
            var address = parse.GetValue(gateway) ?? endpoint?.Address
                ?? throw new CommandException($"No gateway address: pass --gateway URL (or start `fed demo`, which writes {layout.EndpointFile}).");
            var bundle = NodeBundle.Create(
                code,
                parse.GetValue(nodeId) ?? $"node-{code.ToLowerInvariant()}",
                parse.GetValue(dataset)!,
                address,
                parse.GetValue(trustRoot)?.FullName ?? layout.RootCertificate,
                parse.GetValue(logKey)?.FullName ?? layout.LogVerifierKey,
                parse.GetValue(tokenServer));
            var path = parse.GetValue(output)!.FullName;
            bundle.Save(path);
            Console.WriteLine($"Node bundle for {bundle.NodeId} ({bundle.Jurisdiction}): {path}");
            Console.WriteLine($"Gateway {bundle.GatewayAddress}; federation root SHA-256 fingerprint {bundle.TrustRootFingerprint()}.");
            Console.WriteLine("Send the file to the node's team (it holds no secret) and tell them the fingerprint by another channel (telephone).");
            Console.WriteLine($"They run `fed node init --bundle {Path.GetFileName(path)}` and send back node.csr; then issue and register its certificate:");
            Console.WriteLine($"  fed admin issue-certificate --request node.csr --jurisdiction {bundle.Jurisdiction} --ca-certificate root.pem --ca-key root.key --out {bundle.NodeId}.pem");
            Console.WriteLine($"  fed admin register-node --certificate {bundle.NodeId}.pem");
            return Task.FromResult(0);
        }));
        return command;
    }
}
