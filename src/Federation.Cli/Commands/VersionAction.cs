using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Federation.Sdk.Hosting;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed --version`: fed's version and the SDK version its node accepts plug-ins for, which an adapter author builds
/// against.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <summary>Makes <paramref name="root"/>'s --version print this.</summary>
    public static void Use(RootCommand root) => root.Options.OfType<VersionOption>().Single().Action = new VersionAction();

    public override int Invoke(ParseResult parseResult)
    {
        var fed = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var sdk = typeof(INodeBuilder).Assembly.GetName();
        parseResult.InvocationConfiguration.Output.WriteLine($"fed {fed}");
        parseResult.InvocationConfiguration.Output.WriteLine(
            $"{sdk.Name} {sdk.Version}: the node loads plug-ins built against this version of the SDK or an older one.");
        return 0;
    }
}
