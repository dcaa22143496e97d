using System.Reflection;
using Federation.Sdk.Hosting;
using Microsoft.Extensions.Configuration;

namespace Federation.Node.Adapters;

/// <summary>
/// An adapter the node can use: the <see cref="NodeAdapterAttribute"/> method that adds its source to a node builder,
/// and where it comes from: a built-in assembly, or a plug-in's file.
/// </summary>
public sealed record NodeAdapter(string Name, NodeSourceKind Kind, MethodInfo Method, string Origin, bool IsPlugin)
{
    /// <summary>The signature every adapter method has, as an adapter author writes it.</summary>
    public const string Signature = NodeAdapterRules.Signature;

    /// <summary>Where the adapter comes from, for reports: "plug-in '/opt/federation/plugins/xml/Xml.dll'" or "built-in Federation.Sdk.Adapters.Csv".</summary>
    public string Describe() => IsPlugin ? $"plug-in '{Origin}'" : Origin;

    /// <summary>Calls the adapter's method to add a source named <paramref name="name"/> with its options.</summary>
    public void AddTo(INodeBuilder node, string name, IConfiguration options)
    {
        Method.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, [node, name, options], culture: null);
    }

    /// <summary>The adapter methods of an assembly, and a problem for each marked method of the wrong shape.</summary>
    internal static (IReadOnlyList<NodeAdapter> Adapters, IReadOnlyList<string> Problems) FindIn(Assembly assembly, string origin, bool isPlugin)
    {
        var adapters = new List<NodeAdapter>();
        var problems = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<NodeAdapterAttribute>() is not { } attribute)
                {
                    continue;
                }

                if (NodeAdapterRules.HasAdapterSignature(method))
                {
                    adapters.Add(new NodeAdapter(attribute.Name, attribute.Kind, method, origin, isPlugin));
                }
                else
                {
                    problems.Add($"{origin}: {type.FullName}.{method.Name} is marked [NodeAdapter(\"{attribute.Name}\")] but is not '{Signature}'.");
                }
            }
        }

        return (adapters, problems);
    }
}
