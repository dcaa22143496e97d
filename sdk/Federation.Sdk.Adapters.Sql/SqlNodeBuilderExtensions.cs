using Federation.Sdk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>Adds a database to a node as a source of case records, through any ADO.NET provider. Options are in README.md.</summary>
public static class SqlNodeBuilderExtensions
{
    /// <summary>Adds case records read by a query, with options from a configuration section (<c>provider</c>, <c>connectionString</c>, <c>query</c>, <c>columns</c>, ...).</summary>
    [NodeAdapter("sql", NodeSourceKind.CaseRecords)]
    public static INodeBuilder AddSqlCaseSource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<SqlCaseSourceOptions>(name).BindNodeOptions(options);
        return AddSource(node, name);
    }

    /// <summary>Adds case records read by a query: <c>node.AddSqlCaseSource("cases", o =&gt; { o.Provider = "Npgsql"; ... })</c>.</summary>
    public static INodeBuilder AddSqlCaseSource(this INodeBuilder node, string name, Action<SqlCaseSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<SqlCaseSourceOptions>(name).Configure(configure);
        return AddSource(node, name);
    }

    private static INodeBuilder AddSource(INodeBuilder node, string name) =>
        node.AddCaseSource<SqlCaseSourceOptions, SqlCaseSourceOptionsValidator>(name, (services, options) =>
        {
            SqlProviders.TryGet(options.Provider!, out var factory);
            return new SqlCaseRecordSource(name, factory, options, SqlConnectionStrings.Resolve(options.Provider!, options.ConnectionString!, services));
        });
}
