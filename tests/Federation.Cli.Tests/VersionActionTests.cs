using System.CommandLine;
using Federation.Cli.Commands;
using Federation.Sdk.Hosting;

namespace Federation.Cli.Tests;

public sealed class VersionActionTests
{
    [Fact]
    public void Version_names_the_sdk_version_plugins_are_built_against()
    {
        var root = new RootCommand();
        VersionAction.Use(root);
        var output = new StringWriter();

        var exitCode = root.Parse(["--version"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("fed 1.", lines[0], StringComparison.Ordinal);
        Assert.Equal($"Federation.Sdk {typeof(INodeBuilder).Assembly.GetName().Version}: the node loads plug-ins built against this version of the SDK or an older one.", lines[1]);
    }
}
