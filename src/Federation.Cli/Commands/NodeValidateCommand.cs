using System.CommandLine;
using Federation.Cli.Output;
using Federation.Node;
using Federation.Sdk.Hosting;
using Federation.Sdk.Validation;

namespace Federation.Cli.Commands;

/// <summary>`fed node validate`: every record the node would quarantine, with its location and reason; sends and spends nothing.</summary>
internal static class NodeValidateCommand
{
    /// <summary>The exit code when records were quarantined (0: none; 2: the configuration or a source cannot be used).</summary>
    public const int QuarantinedExitCode = 3;

    public static Command Create()
    {
        var configuration = new NodeConfigurationOptions();
        var format = new Option<OutputFormat>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command(
            "validate",
            "Check the node's identity (its certificate against its key, jurisdiction, node id, validity and the federation root, and with the gateway "
            + "when it can be reached, that it is not revoked), then read the node's records of every dataset (and its service directory, when configured) through the pipeline's validation and list every record a run "
            + "would quarantine, with its location and reason. Sends nothing and spends no privacy budget. "
            + $"Exit code 0: nothing quarantined; {QuarantinedExitCode}: records quarantined; 2: a setting, the identity or a source cannot be used (the message names it).")
        {
            format,
        };
        var verbose = CommonOptions.Verbose();
        command.Options.Add(verbose);
        configuration.AddTo(command);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var startup = configuration.Check(parse);
            var node = startup.Configuration;
            var identity = await CheckIdentityAsync(node, cancellationToken);
            var cases = await new NodeRunner(node, TimeProvider.System, startup.Sources).ValidateAsync(cancellationToken);
            IReadOnlyList<QuarantinedRecord> directory = node.ServiceDirectory is null
                ? []
                : await new DirectoryRunner(node, TimeProvider.System, startup.Sources).ValidateAsync(cancellationToken);
            var items = cases.Quarantined.Select(q => new QuarantinedItem(q.Source ?? "cases", q))
                .Concat(directory.Select(q => new QuarantinedItem("directory", q)))
                .ToArray();
            var output = Console.Out;
            switch (parse.GetValue(format))
            {
                case OutputFormat.Csv:
                    QuarantineWriter.WriteCsv(items, output);
                    break;
                case OutputFormat.Json:
                    QuarantineWriter.WriteJson(
                        new
                        {
                            nodeId = node.NodeId,
                            jurisdiction = node.Jurisdiction,
                            datasetId = node.DatasetId,
                            identity = new { certificate = identity.Certificate, gatewayReached = identity.Access.Reached, gateway = identity.Access.Description },
                            caseSources = startup.Sources.Describe(NodeSourceKind.CaseRecords),
                            recordSources = startup.Sources.Describe(NodeSourceKind.DatasetRecords),
                            records = new { read = cases.RecordsRead, accepted = cases.RecordsAccepted, outOfScope = cases.RecordsOutOfScope, quarantined = cases.Quarantined.Count },
                            serviceDirectory = node.ServiceDirectory is null ? null : new { quarantined = directory.Count },
                        },
                        items,
                        output);
                    break;
                default:
                    output.WriteLine($"Node {node.NodeId} ({node.Jurisdiction}), dataset {node.DatasetId}: validated only; nothing was sent and no privacy budget was spent.");
                    output.WriteLine($"Identity: {identity.Certificate}; {identity.Access.Description}.");
                    output.WriteLine($"Records from: {string.Join("; ", [.. startup.Sources.Describe(NodeSourceKind.CaseRecords), .. startup.Sources.Describe(NodeSourceKind.DatasetRecords)])}.");
                    if (node.ServiceDirectory is not null)
                    {
                        output.WriteLine($"Service directory from: {string.Join("; ", startup.Sources.Describe(NodeSourceKind.ServiceDirectory))}.");
                    }

                    output.WriteLine(
                        $"Records: {cases.RecordsRead} read: {cases.RecordsAccepted} accepted, {cases.RecordsOutOfScope} out of scope "
                        + $"(outside the dataset's scope or reference years), {cases.Quarantined.Count} quarantined.");
                    if (node.ServiceDirectory is not null)
                    {
                        output.WriteLine($"Service directory: {directory.Count} items or capacity readings held back.");
                    }

                    output.WriteLine();
                    if (items.Length == 0)
                    {
                        output.WriteLine("Nothing is quarantined.");
                        break;
                    }

                    QuarantineWriter.WriteTable(items, output);
                    output.WriteLine();
                    output.WriteLine("Correct these records at their source: a run leaves them out of the statistics until then.");
                    break;
            }

            return items.Length == 0 ? 0 : QuarantinedExitCode;
        }, verbose));
        return command;
    }

    /// <summary>
    /// The node's identity as the gateway sees it: the certificate (already checked offline at start-up) and whether the
    /// gateway still accepts its key. A refusal is a setting that cannot be used: exit 2, before any source is read.
    /// </summary>
    private static async Task<(string Certificate, GatewayAccess Access)> CheckIdentityAsync(NodeConfiguration node, CancellationToken cancellationToken)
    {
        using var connection = NodeGatewayConnection.Open(node, TimeProvider.System);
        var access = await connection.CheckAccessAsync(cancellationToken);
        if (access.Refusal is { } refusal)
        {
            throw new CommandException(refusal);
        }

        var signer = connection.Signer;
        var certificate = $"certificate {signer.Subject} for {node.Jurisdiction}, valid to {signer.NotAfter.ToUniversalTime():yyyy-MM-dd}, "
            + $"thumbprint {Federation.Sdk.Identity.GatewayCredentials.KeyIdOf(signer)}, chains to the federation root";
        return (certificate, access);
    }
}
