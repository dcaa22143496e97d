using Federation.Sdk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>
/// Adds a database to a node as a source of HTCDS case records or of any catalogue dataset's records, through any
/// ADO.NET provider. Options are in README.md.
/// </summary>
public static class SqlNodeBuilderExtensions
{
    /// <summary>Adds case records read by a query, with options from a configuration section (<c>provider</c>, <c>connectionString</c>, <c>query</c>, <c>columns</c>, ...).</summary>
    [NodeAdapter("sql", NodeSourceKind.CaseRecords)]
    public static INodeBuilder AddSqlCaseSource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<SqlCaseSourceOptions>(name).BindNodeOptions(options);
        return AddCaseSource(node, name);
    }

    /// <summary>Adds case records read by a query: <c>node.AddSqlCaseSource("cases", o =&gt; { o.Provider = "Npgsql"; ... })</c>.</summary>
    public static INodeBuilder AddSqlCaseSource(this INodeBuilder node, string name, Action<SqlCaseSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<SqlCaseSourceOptions>(name).Configure(configure);
        return AddCaseSource(node, name);
    }

    /// <summary>
    /// Adds a source of a dataset's records read by a query (result columns mapped to the catalogue's record fields),
    /// with options from a configuration section (<c>provider</c>, <c>connectionString</c>, <c>query</c>, <c>columns</c>, ...).
    /// </summary>
    [NodeAdapter("sql", NodeSourceKind.DatasetRecords)]
    public static INodeBuilder AddSqlRecordSource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<SqlRecordSourceOptions>(name).BindNodeOptions(options);
        return AddRecordSource(node, name);
    }

    /// <summary>Adds a source of a dataset's records read by a query: <c>node.AddSqlRecordSource("court", o =&gt; { o.Provider = "Npgsql"; ... })</c>.</summary>
    public static INodeBuilder AddSqlRecordSource(this INodeBuilder node, string name, Action<SqlRecordSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<SqlRecordSourceOptions>(name).Configure(configure);
        return AddRecordSource(node, name);
    }

    private static INodeBuilder AddCaseSource(INodeBuilder node, string name) =>
        node.AddCaseSource<SqlCaseSourceOptions, SqlCaseSourceOptionsValidator>(name, (services, options) =>
        {
            SqlProviders.TryGet(options.Provider!, out var factory);
            return new SqlCaseRecordSource(name, factory, options, SqlConnectionStrings.Resolve(options.Provider!, options.ConnectionString!, services));
        });

    private static INodeBuilder AddRecordSource(INodeBuilder node, string name) =>
        node.AddRecordSource<SqlRecordSourceOptions, SqlRecordSourceOptionsValidator>(name, (services, options) =>
        {
            SqlProviders.TryGet(options.Provider!, out var factory);
            return new SqlDatasetRecordSource(name, factory, options, SqlConnectionStrings.Resolve(options.Provider!, options.ConnectionString!, services));
        });
}
