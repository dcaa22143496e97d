using Federation.Sdk.Records;
using Federation.Sdk.ServiceDirectory;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Sdk.Hosting;

/// <summary>
/// What an adapter extends to plug a source into a node: the node's services, and named sources of case records and
/// of service directory content. An adapter's whole public surface is one static class of extension methods on this
/// interface that return it, so calls chain: <c>node.AddCsvCaseSource("cases", o =&gt; o.Path = "cases.csv")</c>.
/// </summary>
public interface INodeBuilder
{
    /// <summary>The node's services; adapters register their named, validated options here (<c>ValidateOnStart</c>).</summary>
    IServiceCollection Services { get; }

    /// <summary>Adds a named source of case records, created once the node's services are built.</summary>
    INodeBuilder AddCaseSource(string name, Func<IServiceProvider, ICaseRecordSource> create);

    /// <summary>Adds a named source of dataset records (fields from the catalogue), created once the node's services are built.</summary>
    INodeBuilder AddRecordSource(string name, Func<IServiceProvider, IDatasetRecordSource> create);

    /// <summary>Adds a named source of service directory content, created once the node's services are built.</summary>
    INodeBuilder AddDirectorySource(string name, Func<IServiceProvider, IDirectorySource> create);
}
