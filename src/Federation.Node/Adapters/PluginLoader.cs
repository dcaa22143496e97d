using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Federation.Node.Adapters;

/// <summary>
/// Loads the adapter plug-ins of a folder: every assembly in it or one level below it that references the SDK is a
/// plug-in, loaded into its own <see cref="PluginLoadContext"/>; other files there are the plug-ins' dependencies.
/// Each folder is loaded once per process (assemblies cannot be unloaded while their sources are in use), so adding
/// or replacing a plug-in takes a restart of the node.
/// </summary>
internal static class PluginLoader
{
    private static readonly ConcurrentDictionary<string, Lazy<PluginScan>> s_folders = new(StringComparer.Ordinal);

    /// <summary>The adapters of the plug-ins in a folder, and a problem (naming the file) for each plug-in that cannot be used.</summary>
    public static PluginScan Load(string folder) =>
        s_folders.GetOrAdd(Path.GetFullPath(folder), f => new Lazy<PluginScan>(() => Scan(f))).Value;

    private static PluginScan Scan(string folder)
    {
        var adapters = new List<NodeAdapter>();
        var problems = new List<string>();
        var candidates = Directory.EnumerateFiles(folder, "*.dll")
            .Concat(Directory.EnumerateDirectories(folder).SelectMany(d => Directory.EnumerateFiles(d, "*.dll")))
            .Order(StringComparer.Ordinal);
        foreach (var file in candidates)
        {
            try
            {
                if (!IsPlugin(file, problems))
                {
                    continue;
                }

                var assembly = new PluginLoadContext(file).LoadFromAssemblyPath(file);
                var found = NodeAdapter.FindIn(assembly, file, isPlugin: true);
                adapters.AddRange(found.Adapters);
                problems.AddRange(found.Problems);
            }
            catch (ReflectionTypeLoadException e)
            {
                var reasons = e.LoaderExceptions.OfType<Exception>().Select(l => l.Message).Distinct();
                problems.Add($"'{file}' cannot be loaded: {string.Join(" ", reasons)}");
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or IOException or TypeLoadException or UnauthorizedAccessException)
            {
                problems.Add($"'{file}' cannot be loaded: {e.Message}");
            }
        }

        return new PluginScan(adapters, problems);
    }

    /// <summary>
    /// Whether a file is an assembly that references the SDK, read from its metadata without loading it. A native
    /// library is a dependency; a file that is not a readable assembly, or one built against a newer SDK, is a problem.
    /// </summary>
    private static bool IsPlugin(string file, List<string> problems)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return false;
        }

        var metadata = pe.GetMetadataReader();

        // A plug-in's own copy of an assembly the node shares (the SDK, a built-in adapter) is not a plug-in.
        if (!metadata.IsAssembly || PluginLoadContext.IsShared(new AssemblyName(metadata.GetString(metadata.GetAssemblyDefinition().Name))))
        {
            return false;
        }

        var sdk = typeof(Sdk.Hosting.INodeBuilder).Assembly.GetName();
        foreach (var handle in metadata.AssemblyReferences)
        {
            var reference = metadata.GetAssemblyReference(handle);
            if (metadata.GetString(reference.Name) != sdk.Name)
            {
                continue;
            }

            if (reference.Version > sdk.Version)
            {
                problems.Add($"'{file}' is built against {sdk.Name} {reference.Version}, newer than this node's {sdk.Version}; update the node or rebuild the plug-in against {sdk.Version}.");
                return false;
            }

            return true;
        }

        return false;
    }
}

/// <summary>What a plug-in folder holds: the adapters found, and the problems of plug-ins that cannot be used.</summary>
internal sealed record PluginScan(IReadOnlyList<NodeAdapter> Adapters, IReadOnlyList<string> Problems);
