using System.CommandLine;
using Federation.Sdk.Transparency;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed admin log-key create`: the production transparency log key pair (offline): <c>log.key</c>, the private key the
/// gateway signs checkpoints with (owner-only), and <c>log.pub</c>, the verifier key nodes and auditors pin.
/// </summary>
internal static class LogKeyCommand
{
    public const string PrivateKeyFile = "log.key";
    public const string VerifierKeyFile = "log.pub";

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write log.key and log.pub to (created when missing).", Required = true };
        var origin = new Option<string>("--origin")
        {
            Description = "The log's origin, exactly the gateway's Gateway:LogOrigin (for example gateway.example.ca/log): the verifier key's name.",
            Required = true,
        };
        var create = new Command("create", "Make the transparency log's key pair (ECDSA P-256) for a production gateway; refuses to overwrite an existing one.")
        {
            output, origin,
        };
        create.SetAction(GuardedAction.Of((parse, _) =>
        {
            var folder = parse.GetValue(output)!.FullName;
            var name = parse.GetValue(origin)!;
            if (!Checkpoint.IsValidKeyName(name))
            {
                throw new CommandException($"--origin '{name}' must be non-empty, without spaces or '+' (for example gateway.example.ca/log), and equal to Gateway:LogOrigin.");
            }

            var privateKey = Path.Combine(folder, PrivateKeyFile);
            var verifierKey = Path.Combine(folder, VerifierKeyFile);
            if (File.Exists(privateKey) || File.Exists(verifierKey))
            {
                throw new CommandException(
                    $"{(File.Exists(privateKey) ? privateKey : verifierKey)} already exists; nothing was written. A log key is made once: the log's "
                    + "checkpoints are signed with it and every node pins its verifier key, so a new key would orphan them. Choose another --out folder.");
            }

            Directory.CreateDirectory(folder);
            using var key = LogSigningKey.Create(name);
            key.Save(privateKey, verifierKey);
            Console.WriteLine($"Wrote {privateKey} (the private log key, owner-only: point Gateway:LogSigningKeyPath at it and back it up offline) and");
            Console.WriteLine($"      {verifierKey} (the verifier key {key.VerifierKey.Name}+{key.VerifierKey.KeyId:x8}: give it to nodes in their bundle and to auditors).");
            return Task.FromResult(0);
        }));
        var command = new Command("log-key", "The transparency log's key pair.") { create };
        return command;
    }
}
