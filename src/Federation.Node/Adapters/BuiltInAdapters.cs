using System.Reflection;
using Federation.Sdk.Adapters.Csv;
using Federation.Sdk.Adapters.Hsds;
using Federation.Sdk.Adapters.Sql;

namespace Federation.Node.Adapters;

/// <summary>The adapter assemblies that ship with the node; a new built-in adapter is one line here.</summary>
internal static class BuiltInAdapters
{
    public static IReadOnlyList<Assembly> Assemblies { get; } =
    [
        typeof(CsvNodeBuilderExtensions).Assembly,
        typeof(HsdsNodeBuilderExtensions).Assembly,
        typeof(SqlNodeBuilderExtensions).Assembly,
    ];
}
