using Federation.Sdk.Hosting;

namespace Federation.Node.Adapters;

/// <summary>
/// The adapters a node can use: the built-in ones and those of the plug-ins in its plug-in folder, by name and kind
/// of source. Problems (a plug-in that cannot be loaded, two adapters claiming one name) name the file at fault.
/// </summary>
public sealed class AdapterCatalog
{
    private static readonly Lazy<PluginScan> s_builtIn = new(() =>
    {
        var found = BuiltInAdapters.Assemblies.Select(a => NodeAdapter.FindIn(a, $"built-in {a.GetName().Name}", isPlugin: false)).ToArray();
        return new PluginScan([.. found.SelectMany(f => f.Adapters)], [.. found.SelectMany(f => f.Problems)]);
    });

    private AdapterCatalog(string? pluginsFolder, IReadOnlyList<NodeAdapter> adapters, IReadOnlyList<string> problems)
    {
        PluginsFolder = pluginsFolder;
        Adapters = adapters;
        Problems = problems;
    }

    /// <summary>The plug-in folder, or null when the node has none.</summary>
    public string? PluginsFolder { get; }

    public IReadOnlyList<NodeAdapter> Adapters { get; }

    /// <summary>Why some adapters cannot be used, each starting with "plugins: " and naming the file.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>
    /// The built-in adapters and those of the plug-ins in <paramref name="pluginsFolder"/> (absolute; null for none),
    /// whose code files must have the SHA-256 of their <paramref name="pluginPins"/> (see <see cref="PluginPins"/>).
    /// </summary>
    public static AdapterCatalog Create(string? pluginsFolder, IReadOnlyDictionary<string, string>? pluginPins = null)
    {
        var builtIn = s_builtIn.Value;
        var plugins = pluginsFolder is not null && Directory.Exists(pluginsFolder)
            ? PluginLoader.Load(pluginsFolder, pluginPins ?? new Dictionary<string, string>())
            : new PluginScan([], []);
        var all = builtIn.Adapters.Concat(plugins.Adapters).ToArray();
        var problems = builtIn.Problems.Concat(plugins.Problems).Select(p => "plugins: " + p).ToList();
        var adapters = new List<NodeAdapter>();
        foreach (var claim in all.GroupBy(a => (Name: a.Name.ToLowerInvariant(), a.Kind)))
        {
            if (claim.Count() == 1)
            {
                adapters.Add(claim.Single());
            }
            else
            {
                problems.Add($"plugins: adapter '{claim.Key.Name}' ({Describe(claim.Key.Kind)}) is claimed by more than one assembly: "
                    + string.Join(" and ", claim.Select(a => $"'{a.Origin}'")) + "; remove one of them.");
            }
        }

        return new AdapterCatalog(pluginsFolder, adapters, problems);
    }

    /// <summary>The adapter of this name for this kind of source, or null.</summary>
    public NodeAdapter? Find(string name, NodeSourceKind kind) =>
        Adapters.FirstOrDefault(a => a.Kind == kind && string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why no adapter of this name reads this kind of source, listing the ones that do.</summary>
    public string Unknown(string name, NodeSourceKind kind)
    {
        var builtIn = Names(kind, plugin: false);
        var plugins = Names(kind, plugin: true);
        var known = (builtIn.Length > 0 ? string.Join(", ", builtIn) : "none built in")
            + (PluginsFolder is null
                ? "; no plugins folder is configured"
                : $", or one of the plug-ins in '{PluginsFolder}': " + (plugins.Length > 0 ? string.Join(", ", plugins) : "none found"));
        var otherKind = Adapters.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        return otherKind is null
            ? $"'{name}' is not a known adapter of {Describe(kind)} ({known})."
            : $"'{name}' reads {Describe(otherKind.Kind)}, not {Describe(kind)} (adapters of {Describe(kind)}: {known}).";
    }

    internal static string Describe(NodeSourceKind kind) => kind switch
    {
        NodeSourceKind.CaseRecords => "case records",
        NodeSourceKind.ServiceDirectory => "service directory content",
        NodeSourceKind.DatasetRecords => "dataset records",
        _ => kind.ToString(),
    };

    private string[] Names(NodeSourceKind kind, bool plugin) =>
        [.. Adapters.Where(a => a.Kind == kind && a.IsPlugin == plugin).Select(a => a.Name).Order(StringComparer.Ordinal)];
}
