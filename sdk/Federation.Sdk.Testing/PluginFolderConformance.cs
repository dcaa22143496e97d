using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Federation.Sdk.Hosting;

namespace Federation.Sdk.Testing;

/// <summary>
/// Checks a plug-in folder as <c>dotnet publish</c> made it, before it is dropped into a node's plugins folder: an
/// assembly built against this SDK (or an older one) with a <see cref="NodeAdapterAttribute"/> method of the right
/// shape, its .deps.json beside it, and none of the assemblies the node supplies itself. Call it from a test of your
/// own with the folder your test project publishes to; every failure starts with the check's name and names the files.
/// </summary>
public static class PluginFolderConformance
{
    /// <summary>Checks <paramref name="folder"/>; returns the adapter names found (name and kind), for further assertions.</summary>
    public static IReadOnlyList<(string Adapter, NodeSourceKind Kind)> Check(string folder)
    {
        ConformanceCheck.That(Directory.Exists(folder), $"the folder '{folder}' does not exist; publish the adapter into it first (dotnet publish -o {folder})", nameof(PluginFolderConformance));
        var assemblies = Directory.GetFiles(folder, "*.dll").Select(file => (File: file, Name: AssemblyNameOf(file))).Where(a => a.Name is not null).ToArray();

        var shipped = assemblies.Where(a => NodeAdapterRules.IsSuppliedByNode(a.Name!)).Select(a => Path.GetFileName(a.File)).ToArray();
        ConformanceCheck.That(shipped.Length == 0,
            $"the folder ships assemblies the node supplies itself (its copies would be ignored): {string.Join(", ", shipped)}; "
            + "reference Federation.Sdk with Private=\"false\" and packages with ExcludeAssets=\"runtime;native\"",
            nameof(PluginFolderConformance));

        var sdk = typeof(INodeBuilder).Assembly.GetName();
        var plugins = assemblies.Select(a => (a.File, Sdk: SdkReferenceOf(a.File, sdk.Name!))).Where(a => a.Sdk is not null).ToArray();
        ConformanceCheck.That(plugins.Length > 0, $"no assembly in '{folder}' references {sdk.Name}: {string.Join(", ", assemblies.Select(a => Path.GetFileName(a.File)))}", nameof(PluginFolderConformance));
        var newer = plugins.Where(p => p.Sdk > sdk.Version).Select(p => $"{Path.GetFileName(p.File)} ({p.Sdk})").ToArray();
        ConformanceCheck.That(newer.Length == 0, $"built against a newer {sdk.Name} than {sdk.Version}, which a node of this version refuses: {string.Join(", ", newer)}", nameof(PluginFolderConformance));
        var withoutDeps = plugins.Where(p => !File.Exists(Path.ChangeExtension(p.File, ".deps.json"))).Select(p => Path.GetFileName(p.File)).ToArray();
        ConformanceCheck.That(withoutDeps.Length == 0, $"no .deps.json beside {string.Join(", ", withoutDeps)}: publish the project (dotnet publish), do not copy the assembly alone", nameof(PluginFolderConformance));

        var context = new PluginContext(folder);
        try
        {
            var found = new List<(string, NodeSourceKind)>();
            foreach (var (file, _) in plugins)
            {
                var methods = context.LoadFromAssemblyPath(file).GetExportedTypes()
                    .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                    .Select(m => (Method: m, Attribute: m.GetCustomAttribute<NodeAdapterAttribute>()))
                    .Where(m => m.Attribute is not null)
                    .ToArray();
                var misshapen = methods.Where(m => !NodeAdapterRules.HasAdapterSignature(m.Method)).Select(m => $"{m.Method.DeclaringType}.{m.Method.Name}").ToArray();
                ConformanceCheck.That(misshapen.Length == 0, $"{Path.GetFileName(file)}: marked [NodeAdapter] but not '{NodeAdapterRules.Signature}': {string.Join(", ", misshapen)}", nameof(PluginFolderConformance));
                found.AddRange(methods.Select(m => (m.Attribute!.Name, m.Attribute.Kind)));
            }

            ConformanceCheck.That(found.Count > 0, $"no method marked [NodeAdapter] in {string.Join(", ", plugins.Select(p => Path.GetFileName(p.File)))}: the node would find no adapter", nameof(PluginFolderConformance));
            return found;
        }
        finally
        {
            context.Unload();
        }
    }

    private static AssemblyName? AssemblyNameOf(string file)
    {
        try
        {
            return AssemblyName.GetAssemblyName(file);
        }
        catch (BadImageFormatException)
        {
            return null; // A native library: a dependency, not an assembly.
        }
    }

    private static Version? SdkReferenceOf(string file, string sdkName)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(metadata.GetAssemblyReference).Where(r => metadata.GetString(r.Name) == sdkName).Select(r => r.Version).FirstOrDefault();
    }

    /// <summary>Loads the plug-in as a node does: what the node supplies from the node (here, the test), the rest from the folder.</summary>
    private sealed class PluginContext(string folder) : AssemblyLoadContext($"plug-in check {folder}", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (NodeAdapterRules.IsSuppliedByNode(assemblyName))
            {
                return null;
            }

            var path = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
