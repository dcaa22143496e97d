namespace Federation.Sdk.Hosting;

/// <summary>
/// Marks the extension method by which a node's configuration file adds an adapter's source:
/// <c>INodeBuilder AddXxx(this INodeBuilder node, string name, IConfiguration options)</c>. The node host finds it in
/// the built-in adapter assemblies and in the plug-in folder, and calls it for each configured source whose
/// <c>adapter</c> is <see cref="Name"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class NodeAdapterAttribute : Attribute
{
    public NodeAdapterAttribute(string name, NodeSourceKind kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
    }

    /// <summary>The adapter's name in configuration files, for example "csv" or "sql"; lower case.</summary>
    public string Name { get; }

    /// <summary>Which kind of source the method adds.</summary>
    public NodeSourceKind Kind { get; }
}

/// <summary>The kinds of source a node reads.</summary>
public enum NodeSourceKind
{
    /// <summary>Case records for the statistics pipeline (<see cref="Records.ICaseRecordSource"/>).</summary>
    CaseRecords = 1,

    /// <summary>Service directory content (<see cref="ServiceDirectory.IDirectorySource"/>).</summary>
    ServiceDirectory = 2,

    /// <summary>
    /// Records of a dataset whose catalogue entry names no source vocabulary (<see cref="Records.IDatasetRecordSource"/>):
    /// the adapter maps its columns to the catalogue's record fields by configuration.
    /// </summary>
    DatasetRecords = 3,
}
