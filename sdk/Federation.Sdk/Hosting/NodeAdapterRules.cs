using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Federation.Sdk.Hosting;

/// <summary>
/// What a node asks of an adapter's assembly, in one place for the node's plug-in loader and the conformance kit: the
/// shape of a <see cref="NodeAdapterAttribute"/> method, and which assemblies the node supplies to every plug-in.
/// </summary>
public static class NodeAdapterRules
{
    /// <summary>The signature every adapter method has, as an adapter author writes it.</summary>
    public const string Signature = "public static INodeBuilder AddXxx(this INodeBuilder node, string name, IConfiguration options)";

    /// <summary>Whether <paramref name="method"/> has <see cref="Signature"/>.</summary>
    public static bool HasAdapterSignature(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var parameters = method.GetParameters();
        return method.IsPublic && method.IsStatic && !method.IsGenericMethodDefinition
            && method.ReturnType == typeof(INodeBuilder)
            && parameters.Length == 3
            && parameters[0].ParameterType == typeof(INodeBuilder)
            && parameters[1].ParameterType == typeof(string)
            && parameters[2].ParameterType == typeof(IConfiguration);
    }

    /// <summary>
    /// Whether the node supplies an assembly of this name to its plug-ins (the SDK, the contracts,
    /// Microsoft.Extensions.*, protobuf and gRPC): a plug-in's own copy is ignored, so a plug-in should not ship one.
    /// </summary>
    public static bool IsSuppliedByNode(AssemblyName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Name is { } simple
            && (simple is "Federation.Sdk" or "Federation.Contracts" or "Google.Protobuf"
                || simple.StartsWith("Federation.Sdk.", StringComparison.Ordinal)
                || simple.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                || simple.StartsWith("Grpc.", StringComparison.Ordinal));
    }
}
