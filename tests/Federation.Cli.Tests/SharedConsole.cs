namespace Federation.Cli.Tests;

/// <summary>
/// Tests that swap the process-wide <see cref="Console"/> writers to read a command's output; they run one at a time
/// (in parallel, one test's refusal would land in another's captured writer).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedConsole
{
    public const string Name = "Process-wide console";
}
