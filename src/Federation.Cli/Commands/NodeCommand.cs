using System.CommandLine;
using System.Globalization;
using Federation.Cli.Demo;
using Federation.Cli.Output;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Cli.Commands;

/// <summary>`fed node`: inspects a node's state (for now, its privacy budget).</summary>
internal static class NodeCommand
{
    public static Command Create() => new("node", "Inspect a provincial or territorial node.") { Budget() };

    private static Command Budget()
    {
        var config = new Option<FileInfo?>("--config") { Description = "The node's configuration file (node.json)." };
        var jurisdiction = new Option<string?>("--jurisdiction")
        {
            Description = "With a development federation (--data): the jurisdiction whose node to show, for example NS.",
        };
        var data = CommonOptions.Data();
        var command = new Command("budget", "Show the privacy budget (zCDP rho) a node has spent and has left, per reference year.")
        {
            config, jurisdiction, data,
        };
        command.SetAction(parse =>
        {
            try
            {
                var path = parse.GetValue(config)?.FullName
                    ?? (parse.GetValue(jurisdiction) is { } code
                        ? new DemoLayout(parse.GetValue(data)!.FullName).NodeConfiguration(code.ToUpperInvariant())
                        : throw new CommandException("Give the node's configuration with --config FILE (or --jurisdiction CODE for a development federation)."));
                Write(NodeConfiguration.Load(path), Console.Out);
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
