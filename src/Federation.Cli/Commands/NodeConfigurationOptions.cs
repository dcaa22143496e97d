using System.CommandLine;
using Federation.Cli.Demo;
using Federation.Node;
using Federation.Node.Hosting;

namespace Federation.Cli.Commands;

/// <summary>
/// How a `fed node` command finds the node's configuration: --config FILE, or --jurisdiction CODE for a node of the
/// development federation in --data.
/// </summary>
internal sealed class NodeConfigurationOptions
{
    private readonly Option<FileInfo?> _config = new("--config") { Description = "The node's configuration file (node.json)." };

    private readonly Option<string?> _jurisdiction = new("--jurisdiction")
    {
        Description = "With a development federation (--data): the jurisdiction whose node to use, for example NS.",
    };

    private readonly Option<DirectoryInfo> _data = CommonOptions.Data();

    public void AddTo(Command command)
    {
        command.Options.Add(_config);
        command.Options.Add(_jurisdiction);
        command.Options.Add(_data);
    }

    /// <summary>The configuration file chosen.</summary>
    public string Path(ParseResult parse) =>
        parse.GetValue(_config)?.FullName
        ?? (parse.GetValue(_jurisdiction) is { } code
            ? new DemoLayout(parse.GetValue(_data)!.FullName).NodeConfiguration(code.ToUpperInvariant())
            : throw new CommandException("Give the node's configuration with --config FILE (or --jurisdiction CODE for a development federation)."));

    /// <summary>Reads and validates the configuration chosen; a bad setting throws <see cref="NodeConfigurationException"/> naming it.</summary>
    public NodeConfiguration Load(ParseResult parse) => NodeConfiguration.Load(Path(parse));

    /// <summary>
    /// Reads the configuration chosen and checks it as `fed node run` does at start-up: settings, plug-ins and every
    /// adapter's options; throws <see cref="NodeConfigurationException"/> naming each problem.
    /// </summary>
    public NodeStartup Check(ParseResult parse) => NodeStartup.Check(new NodeHostSettings { ConfigurationPath = Path(parse), Once = true }, TimeProvider.System);
}
