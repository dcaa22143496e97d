using System.CommandLine;
using System.Globalization;
using Federation.Cli.Output;
using Federation.Node;
using Federation.Sdk.Publishing;

namespace Federation.Cli.Commands;

/// <summary>`fed node outbox`: what the node has signed, what is pending, what the gateway acknowledged or refused.</summary>
internal static class NodeOutboxCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The node's configuration file (node.json).", Required = true };
        var state = new Option<OutboxEntryState?>("--state") { Description = "Only entries in this state: Pending, Delivered or Failed." };
        var command = new Command("outbox", "List the node's outbox (state/outbox.db): every signed release, pending, delivered (with its receipt's log leaf) or refused (with the gateway's reason).")
        {
            config, state,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var configuration = NodeConfiguration.Load(parse.GetValue(config)!.FullName);
                await WriteAsync(configuration, parse.GetValue(state), Console.Out, cancellationToken);
                return 0;
            }
            catch (NodeConfigurationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        });
        return command;
    }

    internal static async Task WriteAsync(NodeConfiguration configuration, OutboxEntryState? state, TextWriter output, CancellationToken cancellationToken)
    {
        var stateDirectory = NodeStateLayout.Of(configuration).Root;
        var outbox = await Outbox.OpenExistingAsync(stateDirectory, TimeProvider.System, cancellationToken);
        if (outbox is null)
        {
            output.WriteLine($"Node {configuration.NodeId} ({configuration.Jurisdiction}) has no outbox yet ({Path.Combine(stateDirectory, Outbox.FileName)}): nothing was signed.");
            return;
        }

        var all = await outbox.ListAsync(cancellationToken: cancellationToken);
        output.WriteLine(
            $"Node {configuration.NodeId} ({configuration.Jurisdiction}), outbox {outbox.Path}: " +
            $"{Count(all, OutboxEntryState.Pending)} pending, {Count(all, OutboxEntryState.Delivered)} delivered, {Count(all, OutboxEntryState.Failed)} failed.");
        var table = new TextTable("id", "state", "dataset", "year", "submission id", "attempts", "queued (UTC)", "settled (UTC)", "leaf", "last error");
        foreach (var entry in all.Where(e => state is null || e.State == state))
        {
            table.AddRow(
                entry.Id.ToString(CultureInfo.InvariantCulture),
                entry is { State: OutboxEntryState.Failed, RefusedForData: true } ? "failed (data)" : entry.State.ToString().ToLowerInvariant(),
                entry.Kind == OutboxEntryKind.Statistics ? entry.DatasetId! : entry.Describe(),
                entry.ReferenceYear?.ToString(CultureInfo.InvariantCulture) ?? "",
                entry.SubmissionId,
                entry.Attempts.ToString(CultureInfo.InvariantCulture),
                Time(entry.QueuedAt),
                entry.SettledAt is { } settled ? Time(settled) : "",
                entry.Receipt?.LeafIndex?.ToString(CultureInfo.InvariantCulture) ?? "",
                entry.LastError ?? "");
        }

        table.Write(output);
        if (Count(all, OutboxEntryState.Pending) > 0)
        {
            output.WriteLine("Pending releases are sent first on the node's next run.");
        }

        if (all.Any(e => e is { State: OutboxEntryState.Failed, RefusedForData: true }))
        {
            output.WriteLine("failed (data): refused for its data (last error): fix the source. The same release is not sent again; a changed one is.");
        }
    }

    private static int Count(IReadOnlyList<OutboxEntry> entries, OutboxEntryState state) => entries.Count(e => e.State == state);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
