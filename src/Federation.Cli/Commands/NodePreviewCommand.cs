using System.CommandLine;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Node.Adapters;
using Federation.Sdk.Hosting;

namespace Federation.Cli.Commands;

/// <summary>`fed node preview`: exactly what a run of the node would send, without sending or spending anything.</summary>
internal static class NodePreviewCommand
{
    /// <summary>The exit code when a run would refuse a year for exceeding the privacy budget (the other years are still sent).</summary>
    public const int RefusedExitCode = 4;

    public static Command Create()
    {
        var configuration = new NodeConfigurationOptions();
        var format = new Option<OutputFormat>("--format") { Description = "table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<OutputFormat>() == OutputFormat.Csv)
            {
                result.AddError("--format must be table or json for a preview.");
            }
        });
        var years = new Option<int[]>("--year") { Description = "Show these reference years only (default: every year a run would send).", AllowMultipleArgumentsPerToken = true };
        var command = new Command(
            "preview",
            "Show exactly what a run of the node would send, without sending anything: per reference year the dataset, jurisdiction, every table's "
            + "protected cells, the protection and the privacy budget (spent, this release, remaining, refused), and the service directory summary. "
            + "Noise is a keyed function of the node key, year, edition and counts: the next run sends these exact values if the data has not changed, and spends the budget only then. "
            + $"Exit code 0; {RefusedExitCode}: a run would refuse a year for exceeding the privacy budget (and send the others); 2: a setting or source cannot be used.")
        {
            format, years,
        };
        var verbose = CommonOptions.Verbose();
        command.Options.Add(verbose);
        configuration.AddTo(command);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var startup = configuration.Check(parse);
            var node = startup.Configuration;
            IReadOnlyList<NodePreview> previews;
            try
            {
                previews = await new NodeRunner(node, TimeProvider.System, startup.Sources).PreviewAsync(cancellationToken);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("in use by another run", StringComparison.Ordinal))
            {
                throw new CommandException(e.Message);
            }

            var directory = await PreviewDirectoryAsync(node, startup.Sources, cancellationToken);
            // One document per dataset; the service directory's summary goes with the first.
            var documents = previews.Select((preview, i) => NodePreviewDocument.From(preview, i == 0 ? directory : null, parse.GetValue(years) ?? []) with
            {
                Sources = startup.Sources.DescribeDataset(preview.Dataset.Id),
            }).ToArray();
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                NodePreviewWriter.WriteJson(documents, Console.Out);
            }
            else
            {
                foreach (var document in documents)
                {
                    NodePreviewWriter.WriteTable(document, configuration.Path(parse), Console.Out);
                }
            }

            return previews.Any(p => p.Refused) ? RefusedExitCode : 0;
        }, verbose));
        return command;
    }

    private static async Task<PreviewDirectory?> PreviewDirectoryAsync(NodeConfiguration node, NodeSourceFactory sources, CancellationToken cancellationToken)
    {
        if (node.ServiceDirectory is null)
        {
            return null;
        }

        var runner = new DirectoryRunner(node, TimeProvider.System, sources);
        var built = await runner.PrepareAsync(cancellationToken);
        var snapshot = built.Snapshot;
        return new PreviewDirectory(
            await runner.IsNewSnapshotAsync(snapshot, cancellationToken),
            snapshot.Organizations.Count,
            snapshot.Services.Count,
            snapshot.Locations.Count,
            snapshot.Locations.Count(l => l.KindCase == Location.KindOneofCase.Redacted),
            snapshot.ServiceAtLocations.Count,
            built.Quarantined.Count);
    }
}
