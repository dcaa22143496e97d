using System.CommandLine;
using System.Globalization;
using Federation.Cli.Output;
using Federation.Node;
using Federation.Node.Setup;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Trust;

namespace Federation.Cli.Commands;

/// <summary>`fed node`: the node's side of enrolment and key rotation, and its privacy budget.</summary>
internal static class NodeCommand
{
    public static Command Create() => new("node", "Node set-up and inspection: set-up from the administrator's bundle, enrolment, key rotation, privacy budget, validate and preview before sending, running the node, outbox, status for monitoring.")
    {
        Init(), Enrol(), Budget(), NodeValidateCommand.Create(), NodePreviewCommand.Create(), NodeRunCommand.Create(), NodeOutboxCommand.Create(), NodeStatusCommand.Create(),
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
        enrol.SetAction(GuardedAction.Of((parse, cancellationToken) =>
        {
            var code = parse.GetValue(jurisdiction)!.ToUpperInvariant();
            var keyPath = parse.GetValue(key)!.FullName;
            var requestPath = parse.GetValue(request)!.FullName;
            try
            {
                NodeSetup.CreateSigningKey(code, parse.GetValue(nodeId)!, keyPath, requestPath);
            }
            catch (ArgumentException e)
            {
                throw new CommandException(e.Message);
            }

            Console.WriteLine($"Private key: {keyPath} (owner-only; back it up securely, never send it).");
            WriteCertificateSteps(requestPath, code, "node.pem");
            Console.WriteLine("Then point signing.certificate and signing.privateKey in node.json at the new files, and check them with `fed node validate`.");
            return Task.FromResult(0);
        }));
        return enrol;
    }

    /// <summary>`fed node init`: a new node's files from the administrator's bundle; every key made here, never copied.</summary>
    private static Command Init()
    {
        var bundle = new Option<FileInfo>("--bundle") { Description = "The node bundle from the federation administrator (`fed admin node-bundle`).", Required = true };
        var directory = new Option<DirectoryInfo>("--dir")
        {
            Description = "The folder for node.json, the keys and the certificate (for example /etc/federation). It must not hold a node's files yet.",
            DefaultValueFactory = _ => new DirectoryInfo("."),
        };
        var state = new Option<string>("--state")
        {
            Description = "The node's state folder (outbox, receipts, privacy ledger) written into node.json, for example /var/lib/federation/state. Relative: from --dir.",
            DefaultValueFactory = _ => "state",
        };
        var cases = new Option<string>("--cases")
        {
            Description = "The path of the case-record export (CSV) written into node.json; edit sources there for another adapter.",
            DefaultValueFactory = _ => "/srv/federation/cases.csv",
        };
        var command = new Command(
            "init",
            "Set up a new node from the administrator's bundle: writes the federation root and log key it hands over, makes the protection key and the "
            + "signing key (owner-only) and a certificate request for the administrator, and a complete node.json to review. Never replaces a file.")
        {
            bundle, directory, state, cases,
        };
        command.SetAction(GuardedAction.Of((parse, cancellationToken) =>
        {
            var handOver = NodeBundle.Load(parse.GetValue(bundle)!.FullName);
            var made = NodeSetup.Initialize(handOver, parse.GetValue(directory)!.FullName, parse.GetValue(state)!, parse.GetValue(cases)!, TimeProvider.System);
            Console.WriteLine($"Node {handOver.NodeId} ({handOver.Jurisdiction}) set up in {made.Directory}:");
            Console.WriteLine($"  {NodeSetup.ConfigurationFile}      the configuration: review referenceYears and sources");
            Console.WriteLine($"  {NodeSetup.TrustRootFile}       the federation root, SHA-256 fingerprint {made.TrustRootFingerprint}");
            Console.WriteLine("               compare it with the administrator's by telephone or another channel you trust before the first run");
            Console.WriteLine($"  {NodeSetup.LogVerifierKeyFile}        the transparency log's verifier key");
            Console.WriteLine($"  {NodeSetup.ProtectionKeyFile}   the protection key (secret, owner-only): back it up now, never change it");
            Console.WriteLine($"  {NodeSetup.SigningKeyFile}       the signing key (secret, owner-only): back it up, never send it");
            Console.WriteLine($"  {NodeSetup.CertificateRequestFile}       the certificate request (no secret)");
            Console.WriteLine($"Next: send {made.CertificateRequest} to the federation administrator, who runs");
            WriteCertificateSteps(made.CertificateRequest, handOver.Jurisdiction, $"{handOver.NodeId}.pem", indentOnly: true);
            Console.WriteLine($"Put the certificate they send back at {made.Certificate}, then: fed node validate --config {made.Configuration}");
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>What the administrator does with a node's certificate request.</summary>
    private static void WriteCertificateSteps(string requestPath, string jurisdiction, string certificate, bool indentOnly = false)
    {
        if (!indentOnly)
        {
            Console.WriteLine($"Certificate request: {requestPath}. Send it to the federation administrator, who runs");
        }

        Console.WriteLine($"  fed admin issue-certificate --request {Path.GetFileName(requestPath)} --jurisdiction {jurisdiction} --ca-certificate root.pem --ca-key root.key --out {certificate}");
        Console.WriteLine($"  fed admin register-node --certificate {certificate}");
        Console.WriteLine($"and sends back {certificate}.");
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
        foreach (var node in configuration.StatisticsDatasets())
        {
            Write(configuration, node, output);
        }
    }

    private static void Write(NodeConfiguration configuration, NodeDataset node, TextWriter output)
    {
        var dataset = configuration.Catalog().Get(node.DatasetId);
        var policy = dataset.Protection;
        output.WriteLine($"Node {configuration.NodeId} ({configuration.Jurisdiction}), dataset {dataset.Id}");
        if (!policy.IsNoise)
        {
            output.WriteLine($"The dataset is protected by {policy}, which spends no privacy budget.");
            return;
        }

        var directory = NodeStateLayout.Of(configuration).Privacy;
        var entries = PrivacyLedger.Read(directory).Where(e => e.DatasetId == dataset.Id).ToArray();
        output.WriteLine($"Budget: rho {policy.BudgetRho} per reference year; one release costs rho {policy.ReleaseRho}. Ledger: {Path.Combine(directory, PrivacyLedger.FileName)}");
        var years = entries.Select(e => e.ReferenceYear).Concat(node.ReferenceYears).Distinct().Order().ToArray();
        var table = new TextTable("year", "releases", "spent rho", "remaining rho", "releases left", "last release");
        foreach (var year in years)
        {
            var spent = PrivacyLedger.SpentOf(entries, dataset.Id, year);
            var remaining = policy.BudgetRho - spent;
            var last = entries.LastOrDefault(e => e.ReferenceYear == year);
            table.AddRow(
                dataset.YearLabel(year),
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
