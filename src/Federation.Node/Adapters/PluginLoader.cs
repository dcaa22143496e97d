using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace Federation.Node.Adapters;

/// <summary>
/// Loads the adapter plug-ins of a folder: every assembly in it or one level below it that references the SDK is a
/// plug-in, loaded into its own <see cref="PluginLoadContext"/>; other files there are the plug-ins' dependencies.
/// Each folder is loaded once per process (assemblies cannot be unloaded while their sources are in use), so adding
/// or replacing a plug-in takes a restart of the node. Nothing is loaded unless every code file of the folder has
/// the SHA-256 that node.json pins for it (<see cref="PluginPins"/>), checked again at every load.
/// </summary>
internal static class PluginLoader
{
    private static readonly ConcurrentDictionary<string, Lazy<PluginScan>> s_folders = new(StringComparer.Ordinal);

    /// <summary>
    /// The adapters of the plug-ins in a folder, and a problem (naming the file) for each plug-in that cannot be used.
    /// A folder with a code file that is not pinned, or whose hash differs from its pin, loads nothing.
    /// </summary>
    public static PluginScan Load(string folder, IReadOnlyDictionary<string, string> pins)
    {
        var fullPath = Path.GetFullPath(folder);
        var unpinned = PluginPins.Check(fullPath, pins);
        return unpinned.Count > 0
            ? new PluginScan([], unpinned)
            : s_folders.GetOrAdd(fullPath, f => new Lazy<PluginScan>(() => Scan(f))).Value;
    }

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

/// <summary>
/// Plug-ins pinned by SHA-256 (node.json's <c>pluginSha256</c>): every code file under the plug-in folder (.dll, .so,
/// .dylib, at any depth), plug-ins and their dependencies alike, keyed by its path relative to the folder with
/// forward slashes, valued by its lower-case hex SHA-256. A file added or changed after it was pinned is refused with
/// its actual hash, so an operator who trusts it can pin it.
/// </summary>
public static class PluginPins
{
    private static readonly string[] s_codeFiles = ["*.dll", "*.so", "*.dylib"];

    /// <summary>The pins of the code files now in <paramref name="folder"/>: what node.json's pluginSha256 should say once you trust them.</summary>
    public static SortedDictionary<string, string> Compute(string folder)
    {
        var pins = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in s_codeFiles.SelectMany(pattern => Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories)))
        {
            pins[Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/')] = Hash(file);
        }

        return pins;
    }

    /// <summary>A problem for each code file of <paramref name="folder"/> that is not pinned or does not match its pin.</summary>
    public static IReadOnlyList<string> Check(string folder, IReadOnlyDictionary<string, string> pins)
    {
        var problems = new List<string>();
        foreach (var (file, actual) in Compute(folder))
        {
            var full = Path.Combine(folder, file);
            if (!pins.TryGetValue(file, out var pinned))
            {
                problems.Add($"'{full}' is not pinned: its SHA-256 is {actual}. Once you trust it, add \"{file}\": \"{actual}\" to pluginSha256 in node.json.");
            }
            else if (!string.Equals(pinned, actual, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"'{full}' has SHA-256 {actual}, but pluginSha256 in node.json pins {pinned.ToLowerInvariant()}: it changed since it was pinned. "
                    + $"Restore the pinned file, or pin the new one (\"{file}\": \"{actual}\") once you trust it.");
            }
        }

        return problems;
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
