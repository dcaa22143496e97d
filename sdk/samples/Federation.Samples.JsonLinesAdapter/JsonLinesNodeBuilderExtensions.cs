using Federation.Sdk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>
/// Adds a JSON Lines export to a node as a source of HTCDS case records or of any catalogue dataset's records.
/// Options are in README.md.
/// </summary>
public static class JsonLinesNodeBuilderExtensions
{
    /// <summary>The adapter's name in a node's configuration file: <c>"adapter": "jsonl"</c>.</summary>
    public const string AdapterName = "jsonl";

    /// <summary>Adds case records read from a JSON Lines export, with options from a configuration section (<c>path</c>, <c>dateFormat</c>).</summary>
    [NodeAdapter(AdapterName, NodeSourceKind.CaseRecords)]
    public static INodeBuilder AddJsonLinesCaseSource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<JsonLinesCaseSourceOptions>(name).BindNodeOptions(options);
        return AddSource(node, name);
    }

    /// <summary>Adds case records read from a JSON Lines export: <c>node.AddJsonLinesCaseSource("cases", o =&gt; o.Path = "cases.jsonl")</c>.</summary>
    public static INodeBuilder AddJsonLinesCaseSource(this INodeBuilder node, string name, Action<JsonLinesCaseSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<JsonLinesCaseSourceOptions>(name).Configure(configure);
        return AddSource(node, name);
    }

    /// <summary>
    /// Adds a source of a dataset's records read from a JSON Lines export (properties mapped to the catalogue's record
    /// fields), with options from a configuration section (<c>path</c>, <c>dateFormat</c>, <c>columns</c>).
    /// </summary>
    [NodeAdapter(AdapterName, NodeSourceKind.DatasetRecords)]
    public static INodeBuilder AddJsonLinesRecordSource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<JsonLinesRecordSourceOptions>(name).BindNodeOptions(options);
        return AddRecordSource(node, name);
    }

    /// <summary>Adds a source of a dataset's records read from a JSON Lines export: <c>node.AddJsonLinesRecordSource("court", o =&gt; o.Path = "court.jsonl")</c>.</summary>
    public static INodeBuilder AddJsonLinesRecordSource(this INodeBuilder node, string name, Action<JsonLinesRecordSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<JsonLinesRecordSourceOptions>(name).Configure(configure);
        return AddRecordSource(node, name);
    }

    private static INodeBuilder AddRecordSource(INodeBuilder node, string name) =>
        node.AddRecordSource<JsonLinesRecordSourceOptions, JsonLinesRecordSourceOptionsValidator>(name, (services, options) => new JsonLinesDatasetRecordSource(services.ResolveNodePath(options.Path!), options));

    private static INodeBuilder AddSource(INodeBuilder node, string name) =>
        node.AddCaseSource<JsonLinesCaseSourceOptions, JsonLinesCaseSourceOptionsValidator>(name, (services, options) => new JsonLinesCaseRecordSource(services.ResolveNodePath(options.Path!), options));
}
