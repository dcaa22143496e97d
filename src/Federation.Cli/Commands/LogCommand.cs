using System.CommandLine;

namespace Federation.Cli.Commands;

/// <summary>`fed log`: the transparency log, checked from outside the gateway.</summary>
internal static class LogCommand
{
    public static Command Create()
    {
        var command = new Command("log", "Check the gateway's transparency log: signed checkpoints, inclusion and consistency proofs.")
        {
            LogVerifyCommand.Create(),
            LogCheckpointCommand.Create(),
            CreateCheckProof(),
        };
        return command;
    }

    private static Command CreateCheckProof()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Proof cases in the transparency-dev/merkle JSON form (inclusion or consistency, told by the fields). A folder stands for every *.json under it.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command(
            "check-proof",
            "Verify Merkle inclusion or consistency proofs (RFC 9162) given as JSON files. Prints '<file>: valid' or " +
            "'<file>: invalid: <reason>' per file; exits 0 when all are valid, 1 when any is invalid, 2 for unusable input.")
        {
            files,
        };
        command.SetAction(parse => ProofFileCheck.Run(parse.GetValue(files) ?? [], Console.Out, Console.Error));
        return command;
    }
}
