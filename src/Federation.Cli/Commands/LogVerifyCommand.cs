using System.CommandLine;
using Federation.Cli.Demo;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Client;
using Federation.Sdk.Publishing;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;
using Grpc.Core;
using Grpc.Net.Client;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed log verify`: as a node (--config node.json) or an auditor (--data DIR), checks the latest checkpoint's
/// signature, its consistency with the last one verified, and the inclusion of every receipt held. Exit 0 when all
/// verified, 1 when something is wrong (or the gateway cannot be reached), 2 for unusable input.
/// </summary>
internal static class LogVerifyCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config")
        {
            Description = "Verify as a node: its node.json (gateway address, trust root, log verifier key, receipts in its state folder).",
        };
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        var trustRoot = CommonOptions.TrustRoot();
        var credentials = CommonOptions.Credentials();
        var logKey = new Option<FileInfo?>("--log-key")
        {
            Description = "Auditor: file with the log's verifier key (<name>+<key id>+<key>). Default: the demo's, from --data.",
        };
        var state = new Option<FileInfo?>("--state")
        {
            Description = "File remembering the last verified checkpoint. Default: the node's state folder, or the auditor folder under --data.",
        };
        var command = new Command(
            "verify",
            "Verify the gateway's transparency log: the latest checkpoint is signed by the log key, consistent with the last one " +
            "verified here, and includes every receipt held (an auditor with --data also recomputes the tree from all entries). " +
            "Exit 0 when all verified, 1 when history was rewritten or an entry altered, 2 for unusable input.")
        {
            config, data, gateway, trustRoot, credentials, logKey, state,
        };
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(config) is { } nodeFile
                ? ForNode(nodeFile.FullName, parse.GetValue(state)?.FullName)
                : ForAuditor(parse, data, gateway, trustRoot, credentials, logKey, parse.GetValue(state)?.FullName);
            using (target)
            {
                var auditor = new LogAuditor(new TransparencyLogService.TransparencyLogServiceClient(target.Channel), target.Key, TimeProvider.System);
                var report = await auditor.AuditAsync(target.StateFile, target.Receipts, target.RecomputeFromEntries, cancellationToken);
                Console.WriteLine($"Verifying the transparency log as {target.Who}.");
                foreach (var (isProblem, text) in report.Findings)
                {
                    Console.WriteLine(isProblem ? $"  FAILED: {text}" : $"  ok: {text}");
                }

                Console.WriteLine(report.IsClean
                    ? $"Verified: the log is consistent and every receipt held is included. Remembered in {target.StateFile}."
                    : $"NOT VERIFIED: {report.Problems.Count} problem(s) above. The remembered checkpoint was not advanced.");
                return report.IsClean ? 0 : 1;
            }
        }));
        return command;
    }

    private static VerifyTarget ForNode(string configPath, string? stateFile)
    {
        var configuration = NodeConfiguration.Load(configPath);
        var stateDirectory = configuration.Resolve(configuration.StateDirectory);
        var receipts = Directory.Exists(Path.Combine(stateDirectory, "receipts"))
            ? new ReleaseArchive(stateDirectory).LoadReceipts().Select(r => new HeldReceipt(configuration.NodeId, r)).ToArray()
            : [];
        var key = LogVerifierKey.Load(configuration.Resolve(configuration.Gateway.LogVerifierKey));
        var connection = NodeGatewayConnection.Open(configuration, TimeProvider.System);
        return new VerifyTarget(
            $"node {configuration.NodeId} ({configuration.Jurisdiction}), {receipts.Length} receipt(s)",
            connection.Channel,
            key,
            stateFile ?? Path.Combine(stateDirectory, "log", "last-verified-checkpoint.json"),
            receipts,
            RecomputeFromEntries: false,
            connection);
    }

    private static VerifyTarget ForAuditor(
        ParseResult parse,
        Option<DirectoryInfo> data,
        Option<Uri?> gateway,
        Option<FileInfo?> trustRoot,
        Option<FileInfo?> credentials,
        Option<FileInfo?> logKey,
        string? stateFile)
    {
        var layout = new DemoLayout(parse.GetValue(data)!.FullName);
        var keyFile = parse.GetValue(logKey)?.FullName ?? layout.LogVerifierKey;
        if (!File.Exists(keyFile))
        {
            throw new CommandException($"No log verifier key at {keyFile}: pass --log-key FILE (or --config for a node).");
        }

        var key = LogVerifierKey.Load(keyFile);
        var receipts = new List<HeldReceipt>();
        var nodes = Path.Combine(layout.Root, "nodes");
        if (Directory.Exists(nodes))
        {
            foreach (var node in Directory.EnumerateDirectories(nodes).Order(StringComparer.Ordinal))
            {
                if (Directory.Exists(Path.Combine(node, "state", "receipts")))
                {
                    receipts.AddRange(new ReleaseArchive(Path.Combine(node, "state")).LoadReceipts().Select(r => new HeldReceipt(Path.GetFileName(node), r)));
                }
            }
        }

        return new VerifyTarget(
            $"an auditor of {layout.Root} ({receipts.Count} receipt(s) of its nodes)",
            GatewayConnection.Open(parse, data, gateway, trustRoot, credentials),
            key,
            stateFile ?? Path.Combine(layout.AuditorDirectory, "last-verified-checkpoint.json"),
            receipts,
            RecomputeFromEntries: true,
            Connection: null);
    }

    private sealed record VerifyTarget(
        string Who,
        GrpcChannel Channel,
        LogVerifierKey Key,
        string StateFile,
        IReadOnlyList<HeldReceipt> Receipts,
        bool RecomputeFromEntries,
        NodeGatewayConnection? Connection) : IDisposable
    {
        public void Dispose()
        {
            Channel.Dispose();
            Connection?.Dispose();
            Key.Dispose();
        }
    }
}
