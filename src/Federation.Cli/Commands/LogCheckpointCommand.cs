using System.CommandLine;
using Federation.Cli.Demo;
using Federation.Contracts.V1;
using Federation.Sdk.Transparency;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed log checkpoint --tree-size N [--root-hash B64]`: the signed checkpoint of a tree size a figure was cited at,
/// verified with the log key, and proved to be extended by the latest checkpoint (the gateway cannot have rewritten the
/// history the figure was computed from). Exit 0 when verified, 1 when not, 2 for unusable input.
/// </summary>
internal static class LogCheckpointCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        var trustRoot = CommonOptions.TrustRoot();
        var credentials = CommonOptions.Credentials();
        var logKey = new Option<FileInfo?>("--log-key")
        {
            Description = "File with the log's verifier key (<name>+<key id>+<key>), pinned from a source other than the gateway. Default: the demo's, from --data.",
        };
        var treeSize = new Option<ulong>("--tree-size") { Description = "The tree size the figure was computed at (tree_size of the answer).", Required = true };
        var rootHash = new Option<string?>("--root-hash") { Description = "The root hash cited with it (root_hash of the answer, base64): it must be the checkpoint's." };
        var command = new Command(
            "checkpoint",
            "Print and verify the signed checkpoint of a tree size, as a cited figure names it: signed by the log key, with the cited root " +
            "hash, and extended by the gateway's latest checkpoint (consistency proof). Exit 0 when verified, 1 when not, 2 for unusable input.")
        {
            data, gateway, trustRoot, credentials, logKey, treeSize, rootHash,
        };
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var keyFile = parse.GetValue(logKey)?.FullName ?? new DemoLayout(parse.GetValue(data)!.FullName).LogVerifierKey;
            if (!File.Exists(keyFile))
            {
                throw new CommandException($"No log verifier key at {keyFile}: pass --log-key FILE.");
            }

            using var key = LogVerifierKey.Load(keyFile);
            using var channel = GatewayConnection.Open(parse, data, gateway, trustRoot, credentials);
            var log = new TransparencyLogService.TransparencyLogServiceClient(channel);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            var size = parse.GetValue(treeSize);
            var cited = await log.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = size }, deadline: deadline, cancellationToken: cancellationToken);
            var latest = await log.GetCheckpointAsync(new GetCheckpointRequest(), deadline: deadline, cancellationToken: cancellationToken);
            Console.Write(cited.Checkpoint);
            var problems = new List<string>();
            var checkpoint = key.TryOpenCheckpoint(cited.Checkpoint, out var error);
            var newest = key.TryOpenCheckpoint(latest.Checkpoint, out var latestError);
            if (checkpoint is null || newest is null)
            {
                problems.Add($"the checkpoint does not verify with the log key {key.Name}: {error ?? latestError}");
            }
            else
            {
                if (parse.GetValue(rootHash) is { } cite && cite != Convert.ToBase64String(checkpoint.RootHash))
                {
                    problems.Add($"the cited root hash {cite} is not the checkpoint's {Convert.ToBase64String(checkpoint.RootHash)}");
                }

                if (checkpoint.TreeSize != (long)size)
                {
                    problems.Add($"the gateway answered the checkpoint of tree size {checkpoint.TreeSize}, not {size}");
                }
                else if (checkpoint.TreeSize > 0 && newest.TreeSize > checkpoint.TreeSize)
                {
                    var proof = await log.GetConsistencyProofAsync(
                        new GetConsistencyProofRequest { FirstTreeSize = size, SecondTreeSize = (ulong)newest.TreeSize },
                        deadline: deadline,
                        cancellationToken: cancellationToken);
                    var consistent = MerkleProof.VerifyConsistency(size, (ulong)newest.TreeSize, proof.Proof.Select(p => p.ToByteArray()).ToArray(), checkpoint.RootHash, newest.RootHash);
                    if (!consistent.IsValid)
                    {
                        problems.Add($"the latest checkpoint (tree size {newest.TreeSize}) does not extend it: {consistent.Failure}");
                    }
                }
            }

            foreach (var problem in problems)
            {
                Console.WriteLine($"NOT VERIFIED: {problem}.");
            }

            if (problems.Count == 0)
            {
                Console.WriteLine($"Verified: signed by log key {key.Name} ({key.KeyId:x8}), signed at {cited.SignedAt.ToDateTimeOffset():u}, extended by the latest checkpoint (tree size {newest!.TreeSize}).");
            }

            return problems.Count == 0 ? 0 : 1;
        }));
        return command;
    }
}
