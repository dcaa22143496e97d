using System.Reflection;
using System.Runtime.Loader;
using Federation.Sdk.Hosting;

namespace Federation.Node.Adapters;

/// <summary>
/// The load context of one plug-in assembly: its dependencies come from its own folder (through its .deps.json when
/// it has one), so two plug-ins may use different versions of a library, while the assemblies the plug-in shares with
/// the node (the SDK, the contracts, Microsoft.Extensions.*, protobuf and gRPC) come from the node, so that the
/// plug-in's <c>INodeBuilder</c> is the node's.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly string _folder;
    private readonly AssemblyDependencyResolver? _resolver;

    public PluginLoadContext(string pluginPath)
        : base($"plugin {Path.GetFileName(pluginPath)}", isCollectible: false)
    {
        _folder = Path.GetDirectoryName(pluginPath)!;
        _resolver = File.Exists(Path.ChangeExtension(pluginPath, ".deps.json")) ? new AssemblyDependencyResolver(pluginPath) : null;
    }

    /// <summary>Whether an assembly of this name is taken from the node when the node has it.</summary>
    public static bool IsShared(AssemblyName name) => NodeAdapterRules.IsSuppliedByNode(name);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName) && FromNode(assemblyName) is { } shared)
        {
            return shared;
        }

        var path = _resolver?.ResolveAssemblyToPath(assemblyName) ?? InFolder(assemblyName);

        // Null lets the runtime look in the node's own assemblies (the framework among them).
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    private static Assembly? FromNode(AssemblyName name)
    {
        try
        {
            return Default.LoadFromAssemblyName(name);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException)
        {
            // The node does not have it (or only an older version): the plug-in's own copy is used.
            return null;
        }
    }

    private string? InFolder(AssemblyName name)
    {
        var path = Path.Combine(_folder, name.Name + ".dll");
        return File.Exists(path) ? path : null;
    }
}
