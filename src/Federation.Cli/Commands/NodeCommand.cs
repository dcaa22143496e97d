using System.CommandLine;
using Federation.Sdk.Trust;

namespace Federation.Cli.Commands;

/// <summary>`fed node`: the node's side of enrolment and key rotation.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "The node's jurisdiction (for example ON).", Required = true };
        var nodeId = new Option<string>("--node-id") { Description = "The node's id, the certificate's common name (for example node-on).", Required = true };
        var key = new Option<FileInfo>("--key") { Description = "Where to write the new private key (PEM, mode 0600). It never leaves the node.", DefaultValueFactory = _ => new FileInfo("node.key") };
        var request = new Option<FileInfo>("--request") { Description = "Where to write the certificate request (PEM) for the administrator.", DefaultValueFactory = _ => new FileInfo("node.csr") };
        var enrol = new Command("enrol", "Make the node's key (ECDSA P-256) and a certificate request for the federation administrator. Also the first step of a key rotation.")
        {
            jurisdiction, nodeId, key, request,
        };
        enrol.SetAction(async (parse, cancellationToken) =>
        {
            var keyPath = parse.GetValue(key)!.FullName;
            if (File.Exists(keyPath))
            {
                await Console.Error.WriteLineAsync($"'{keyPath}' exists; a new key needs a new file (for a rotation, for example node-2026.key). Nothing was written.");
                return 2;
            }

            try
            {
                var (newKey, pem) = NodeEnrolment.CreateRequest(parse.GetValue(jurisdiction)!.ToUpperInvariant(), parse.GetValue(nodeId)!);
                using (newKey)
                {
                    CertificateFiles.SavePrivateKeyPem(newKey, keyPath);
                }

                var requestPath = parse.GetValue(request)!.FullName;
                await File.WriteAllTextAsync(requestPath, pem, cancellationToken);
                Console.WriteLine($"Private key: {keyPath} (owner-only; back it up securely, never send it).");
                Console.WriteLine($"Certificate request: {requestPath}. Send it to the federation administrator, who runs");
                Console.WriteLine($"  fed admin issue-certificate --request {Path.GetFileName(requestPath)} --jurisdiction {parse.GetValue(jurisdiction)!.ToUpperInvariant()} --ca-certificate root.pem --ca-key root.key --out node.pem");
                Console.WriteLine("  fed admin register-node --certificate node.pem");
                Console.WriteLine("and sends back node.pem. Then point signing.certificate and signing.privateKey in node.json at the new files.");
                return 0;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        });
        return new Command("node", "Node set-up: enrolment and key rotation.") { enrol };
    }
}
