using System.CommandLine;
using System.Globalization;
using Federation.Cli.Output;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Trust;

namespace Federation.Cli.Commands;

/// <summary>`fed node`: the node's side of enrolment and key rotation, and its privacy budget.</summary>
internal static class NodeCommand
{
    public static Command Create() => new("node", "Node set-up and inspection: enrolment, key rotation, privacy budget, validate and preview before sending, running the node, outbox, status for monitoring.")
    {
        Enrol(), Budget(), NodeValidateCommand.Create(), NodePreviewCommand.Create(), NodeRunCommand.Create(), NodeOutboxCommand.Create(), NodeStatusCommand.Create(),
    };

    private static Command Enrol()
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
        return enrol;
    }

    private static Command Budget()
    {
        var configuration = new NodeConfigurationOptions();
        var command = new Command("budget", "Show the privacy budget (zCDP rho) a node has spent and has left, per reference year.");
        configuration.AddTo(command);
        command.SetAction(parse =>
        {
            try
            {
                Write(configuration.Load(parse), Console.Out);
                return 0;
            }
            catch (Exception e) when (e is CommandException or NodeConfigurationException or InvalidDataException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    internal static void Write(NodeConfiguration configuration, TextWriter output)
    {
        var dataset = DatasetCatalog.Default.Get(configuration.DatasetId);
        var policy = dataset.Protection;
        output.WriteLine($"Node {configuration.NodeId} ({configuration.Jurisdiction}), dataset {dataset.Id}");
        if (!policy.IsNoise)
        {
            output.WriteLine($"The dataset is protected by {policy}, which spends no privacy budget.");
            return;
        }

        var directory = NodeRunner.PrivacyDirectory(configuration);
        var entries = PrivacyLedger.Read(directory).Where(e => e.DatasetId == dataset.Id).ToArray();
        output.WriteLine($"Budget: rho {policy.BudgetRho} per reference year; one release costs rho {policy.ReleaseRho}. Ledger: {Path.Combine(directory, PrivacyLedger.FileName)}");
        var years = entries.Select(e => e.ReferenceYear).Concat(configuration.ReferenceYears).Distinct().Order().ToArray();
        var table = new TextTable("year", "releases", "spent rho", "remaining rho", "releases left", "last release");
        foreach (var year in years)
        {
            var spent = PrivacyLedger.SpentOf(entries, dataset.Id, year);
            var remaining = policy.BudgetRho - spent;
            var last = entries.LastOrDefault(e => e.ReferenceYear == year);
            table.AddRow(
                year.ToString(CultureInfo.InvariantCulture),
                entries.Count(e => e.ReferenceYear == year).ToString(CultureInfo.InvariantCulture),
                spent.ToString(),
                remaining.ToString(),
                (remaining / policy.ReleaseRho).Floor().ToString(CultureInfo.InvariantCulture),
                last is null ? "-" : last.ChargedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        }

        table.Write(output);
        if (years.Length == 0)
        {
            output.WriteLine("No release has been made yet.");
        }
    }
}
