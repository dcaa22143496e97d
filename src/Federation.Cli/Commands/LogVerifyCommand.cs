using System.CommandLine;
using Federation.Cli.Demo;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Publishing;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;
using Grpc.Core;
using Grpc.Net.Client;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed log verify`: as a node (--config node.json) or an auditor (--data DIR or --gateway), checks the latest
/// checkpoint's signature, its consistency with the last one verified, every entry (recomputed tree, CMS signature and
/// chain to the federation root, release re-parsed), what the gateway serves against the current releases recomputed
/// from the entries (its signed served state; an auditor also its query answers), and the inclusion of every receipt
/// held. Exit 0 when all verified, 1 when something is wrong (or the gateway cannot be reached), 2 for unusable input.
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
            "Verify the gateway's transparency log and what it serves: the latest checkpoint is signed by the log key, consistent with " +
            "the last one verified here, every entry hashes to it and is a release signed by a node of its jurisdiction, the gateway's " +
            "signed served state (and, for an auditor, its query answers) equals the current figures recomputed from the entries, and " +
            "every receipt held is included. " +
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
                var log = new TransparencyLogService.TransparencyLogServiceClient(target.Channel);
                var auditor = new LogAuditor(log, target.Key, TimeProvider.System);
                var servedState = new ServedStateAuditor(
                    log,
                    target.CanQuery ? new QueryService.QueryServiceClient(target.Channel) : null,
                    target.Key,
                    new SubmissionVerifier(target.Trust, TimeProvider.System),
                    DatasetCatalog.Default,
                    TimeProvider.System);
                Console.WriteLine($"Verifying the transparency log as {target.Who}.");
                var report = await auditor.AuditAsync(
                    target.StateFile,
                    target.Receipts,
                    new LogAuditOptions { RecomputeFromEntries = true, ServedState = servedState, Progress = new Progress() },
                    cancellationToken);
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
        var state = NodeStateLayout.Of(configuration);
        var receipts = Directory.Exists(state.Receipts)
            ? new ReleaseArchive(state.Root).LoadReceipts().Select(r => new HeldReceipt(configuration.NodeId, r)).ToArray()
            : [];
        var key = LogVerifierKey.Load(configuration.Resolve(configuration.Gateway.LogVerifierKey));
        var connection = NodeGatewayConnection.Open(configuration, TimeProvider.System);
        return new VerifyTarget(
            $"node {configuration.NodeId} ({configuration.Jurisdiction}), {receipts.Length} receipt(s)",
            connection.Channel,
            key,
            FederationTrust.FromPemFile(configuration.Resolve(configuration.Gateway.TrustRoot)),
            stateFile ?? state.LastVerifiedCheckpointFile,
            receipts,
            CanQuery: false,
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
                var state = new NodeStateLayout(Path.Combine(node, "state"));
                if (Directory.Exists(state.Receipts))
                {
                    receipts.AddRange(new ReleaseArchive(state.Root).LoadReceipts().Select(r => new HeldReceipt(Path.GetFileName(node), r)));
                }
            }
        }

        var rootFile = GatewayConnection.TrustRootFile(parse, data, gateway, trustRoot);
        if (!File.Exists(rootFile))
        {
            throw new CommandException($"Trust root '{rootFile}' does not exist: pass --trust-root PEM (the federation root the releases are verified against).");
        }

        return new VerifyTarget(
            $"an auditor of {layout.Root} ({receipts.Count} receipt(s) of its nodes)",
            GatewayConnection.Open(parse, data, gateway, trustRoot, credentials),
            key,
            FederationTrust.FromPemFile(rootFile),
            stateFile ?? Path.Combine(layout.AuditorDirectory, "last-verified-checkpoint.json"),
            receipts,
            CanQuery: true,
            Connection: null);
    }

    // Progress on long logs goes to standard error, so standard output holds the findings only.
    private sealed class Progress : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine($"  ... {value}");
    }

    // A node's token may only submit: its audit compares the signed served state but not query answers.
    private sealed record VerifyTarget(
        string Who,
        GrpcChannel Channel,
        LogVerifierKey Key,
        FederationTrust Trust,
        string StateFile,
        IReadOnlyList<HeldReceipt> Receipts,
        bool CanQuery,
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
