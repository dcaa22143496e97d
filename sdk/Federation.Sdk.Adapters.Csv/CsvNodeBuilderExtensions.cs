using Federation.Sdk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>Adds CSV sources to a node: case records and service directory exports. Options are in README.md.</summary>
public static class CsvNodeBuilderExtensions
{
    /// <summary>Adds a source of case records read from a CSV file, with options from a configuration section.</summary>
    [NodeAdapter("csv", NodeSourceKind.CaseRecords)]
    public static INodeBuilder AddCsvCaseSource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<CsvCaseSourceOptions>(name).BindNodeOptions(options);
        return AddCaseSource(node, name);
    }

    /// <summary>Adds a source of case records read from a CSV file: <c>node.AddCsvCaseSource("cases", o =&gt; o.Path = "cases.csv")</c>.</summary>
    public static INodeBuilder AddCsvCaseSource(this INodeBuilder node, string name, Action<CsvCaseSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<CsvCaseSourceOptions>(name).Configure(configure);
        return AddCaseSource(node, name);
    }

    /// <summary>
    /// Adds a source of a dataset's records read from a CSV file (columns mapped to the catalogue's record fields), with
    /// options from a configuration section.
    /// </summary>
    [NodeAdapter("csv", NodeSourceKind.DatasetRecords)]
    public static INodeBuilder AddCsvRecordSource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<CsvRecordSourceOptions>(name).BindNodeOptions(options);
        return AddRecordSource(node, name);
    }

    /// <summary>Adds a source of a dataset's records read from a CSV file: <c>node.AddCsvRecordSource("court", o =&gt; o.Path = "court-cases.csv")</c>.</summary>
    public static INodeBuilder AddCsvRecordSource(this INodeBuilder node, string name, Action<CsvRecordSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<CsvRecordSourceOptions>(name).Configure(configure);
        return AddRecordSource(node, name);
    }

    /// <summary>Adds a source of service directory content read from a CSV export, with options from a configuration section.</summary>
    [NodeAdapter("csv", NodeSourceKind.ServiceDirectory)]
    public static INodeBuilder AddCsvDirectorySource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<CsvDirectorySourceOptions>(name).BindNodeOptions(options);
        return AddDirectorySource(node, name);
    }

    /// <summary>Adds a source of service directory content read from a CSV export.</summary>
    public static INodeBuilder AddCsvDirectorySource(this INodeBuilder node, string name, Action<CsvDirectorySourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<CsvDirectorySourceOptions>(name).Configure(configure);
        return AddDirectorySource(node, name);
    }

    private static INodeBuilder AddCaseSource(INodeBuilder node, string name) =>
        node.AddCaseSource<CsvCaseSourceOptions, CsvCaseSourceOptionsValidator>(name, (services, options) => new CsvCaseRecordSource(services.ResolveNodePath(options.Path!), options));

    private static INodeBuilder AddRecordSource(INodeBuilder node, string name) =>
        node.AddRecordSource<CsvRecordSourceOptions, CsvRecordSourceOptionsValidator>(name, (services, options) => new CsvDatasetRecordSource(services.ResolveNodePath(options.Path!), options));

    private static INodeBuilder AddDirectorySource(INodeBuilder node, string name) =>
        node.AddDirectorySource<CsvDirectorySourceOptions, CsvDirectorySourceOptionsValidator>(name, (services, options) => new CsvDirectorySource(services.ResolveNodePath(options.Path!), options.Delimiter));
}
