using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>
/// Reads HTCDS case records with one query through an ADO.NET provider, streaming the result a row at a time
/// (<see cref="CommandBehavior.SequentialAccess"/>). A row whose values cannot be read is returned with its error and
/// location ("cases row 12"); the connection string's secrets never appear in what it reports.
/// </summary>
internal sealed class SqlCaseRecordSource : ICaseRecordSource
{
    private readonly SqlCaseSourceOptions _options;
    private readonly SqlQuery _query;

    /// <summary>A source over options that passed validation, with the connection string to open (SQLite paths resolved).</summary>
    public SqlCaseRecordSource(string name, DbProviderFactory factory, SqlCaseSourceOptions options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _query = new SqlQuery(name, factory, options.Provider!, options.Query!, options.CommandTimeout, connectionString);
    }

    public string Name { get; }

    /// <summary>
    /// Streams the query's rows. Throws <see cref="SqlSourceException"/> before the first row when the database cannot
    /// be reached, the query fails, or a mapped column is missing from its result.
    /// </summary>
    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        SqlColumnLayout? layout = null;
        var row = 0;
        await foreach (var reader in _query.RowsAsync(cancellationToken))
        {
            if (layout is null)
            {
                layout = new SqlColumnLayout(reader, _options, Name);
                continue;
            }

            row++;
            yield return layout.ToRow(reader, $"{Name} row {row}");
        }
    }
}
