namespace Federation.Sdk.Adapters.Sql;

/// <summary>
/// How to read a dataset's records from a database: the ADO.NET provider, the connection, the query, and which result
/// column holds each catalogue field (by default the column named like the field's id), as the CSV adapter maps them.
/// </summary>
public sealed class SqlRecordSourceOptions
{
    /// <summary>The provider's invariant name, for example "Microsoft.Data.Sqlite" or "Npgsql" (see README.md).</summary>
    public string? Provider { get; set; }

    /// <summary>The provider's connection string. Its password is never written to logs or errors.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>One SELECT statement returning one row per record.</summary>
    public string? Query { get; set; }

    /// <summary>
    /// The result column of a catalogue field when it is not named like the field (field id to column name, matched
    /// case-insensitively), for example <c>{ "decision_date": "DATE_OF_DECISION" }</c>.
    /// </summary>
    public Dictionary<string, string> Columns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Separates the values of a list field held as text.</summary>
    public char ListSeparator { get; set; } = ';';

    /// <summary>Seconds the query may run before it is abandoned; 0 waits indefinitely; unset keeps the provider's default.</summary>
    public int? CommandTimeout { get; set; }
}
