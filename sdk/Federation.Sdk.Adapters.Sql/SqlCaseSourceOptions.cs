using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>How to read case records from a database: the ADO.NET provider, the connection, the query and its column mapping.</summary>
public sealed class SqlCaseSourceOptions
{
    /// <summary>The provider's invariant name, for example "Microsoft.Data.Sqlite" or "Npgsql" (see README.md).</summary>
    public string? Provider { get; set; }

    /// <summary>The provider's connection string. Its password is never written to logs or errors.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>One SELECT statement returning the case columns, one row per case.</summary>
    public string? Query { get; set; }

    /// <summary>Which result column holds each case-record field.</summary>
    public CaseColumnNames Columns { get; set; } = new();

    /// <summary>Separates the values of a list field held as text (exploitation types, citizenship).</summary>
    public char ListSeparator { get; set; } = ';';

    /// <summary>Seconds the query may run before it is abandoned; 0 waits indefinitely; unset keeps the provider's default.</summary>
    public int? CommandTimeout { get; set; }
}
