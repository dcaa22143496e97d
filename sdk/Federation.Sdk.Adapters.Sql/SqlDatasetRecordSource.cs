using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Federation.Sdk.Catalog;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>
/// Reads a dataset's records with one query through an ADO.NET provider, streaming the result a row at a time
/// (<see cref="CommandBehavior.SequentialAccess"/>): each catalogue field from its result column (named like the field,
/// or as <see cref="SqlRecordSourceOptions.Columns"/> says). A required field's column must be in the result; an
/// optional field's column may be left out (the field is blank). Values are kept as the database holds them: text as
/// text, numbers in invariant form, date columns as dates, a PostgreSQL array as a list.
/// </summary>
internal sealed class SqlDatasetRecordSource : IDatasetRecordSource
{
    private readonly SqlRecordSourceOptions _options;
    private readonly SqlQuery _query;

    /// <summary>A source over options that passed validation, with the connection string to open (SQLite paths resolved).</summary>
    public SqlDatasetRecordSource(string name, DbProviderFactory factory, SqlRecordSourceOptions options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _query = new SqlQuery(name, factory, options.Provider!, options.Query!, options.CommandTimeout, connectionString);
    }

    public string Name { get; }

    /// <summary>
    /// Streams the query's rows as records of <paramref name="record"/>. Throws <see cref="SqlSourceException"/> before
    /// the first row when the database cannot be reached, the query fails, or a field's column is missing from its result.
    /// </summary>
    public async IAsyncEnumerable<RecordRow> ReadAsync(RecordDefinition record, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        (int Ordinal, string Column, RecordField Field)[]? columns = null;
        var row = 0;
        await foreach (var reader in _query.RowsAsync(cancellationToken))
        {
            if (columns is null)
            {
                columns = ColumnsOf(record, reader);
                continue;
            }

            row++;
            yield return ToRow(record, columns, reader, $"{Name} row {row}");
        }
    }

    // Each mapped field with its ordinal, ordinals ascending: SequentialAccess reads each column once, in order.
    private (int Ordinal, string Column, RecordField Field)[] ColumnsOf(RecordDefinition record, DbDataReader reader)
    {
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var unknown = _options.Columns.Keys.Where(id => record.Find(id) is null).ToArray();
        if (unknown.Length > 0)
        {
            throw new SqlSourceException(
                $"{Name}: columns names field(s) {string.Join(", ", unknown)} that the dataset's record does not have ({string.Join(", ", record.Fields.Select(f => f.Id))}).");
        }

        var found = new List<(int Ordinal, string Column, RecordField Field)>();
        var missing = new List<string>();
        foreach (var field in record.Fields)
        {
            var configured = _options.Columns.TryGetValue(field.Id, out var name);
            var column = (configured ? name! : field.Id).Trim();
            var ordinal = Array.FindIndex(names, n => string.Equals(n, column, StringComparison.OrdinalIgnoreCase));
            if (ordinal >= 0)
            {
                found.Add((ordinal, names[ordinal], field));
            }
            else if (field.Required || configured || field == record.RecordId || field == record.Period)
            {
                missing.Add(configured ? $"'{column}' (field {field.Id})" : $"'{column}'");
            }
        }

        return missing.Count == 0
            ? [.. found.OrderBy(f => f.Ordinal)]
            : throw new SqlSourceException(
                $"{Name}: the query's result has no column {string.Join(", ", missing)} (it has {string.Join(", ", names)}); name the columns in the query or in the columns option.");
    }

    private RecordRow ToRow(RecordDefinition record, (int Ordinal, string Column, RecordField Field)[] columns, DbDataReader reader, string location)
    {
        var problems = new List<string>();
        var values = new DatasetRecord(record);
        foreach (var (ordinal, column, field) in columns)
        {
            object? value;
            try
            {
                value = reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal);
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or NotSupportedException or ArgumentException)
            {
                problems.Add($"{field.Name}: the value of column {column} cannot be read ({e.Message})");
                continue;
            }

            switch (value)
            {
                case null:
                    break;
                case string?[] array when field.Kind == RecordFieldKind.List:
                    values.SetList(field, [.. array.OfType<string>()]);
                    break;
                case string text when field.Kind == RecordFieldKind.List:
                    values.SetList(field, text.Split(_options.ListSeparator));
                    break;
                case DateOnly date when field.Kind == RecordFieldKind.Date:
                    values.SetDate(field, date);
                    break;
                case DateTime time when field.Kind == RecordFieldKind.Date:
                    values.SetDate(field, DateOnly.FromDateTime(time));
                    break;
                case DateTimeOffset time when field.Kind == RecordFieldKind.Date:
                    values.SetDate(field, DateOnly.FromDateTime(time.DateTime));
                    break;
                case string text:
                    values.Set(field, text);
                    break;
                case IFormattable formattable when value is not (DateTime or DateTimeOffset or DateOnly):
                    values.Set(field, formattable.ToString(null, CultureInfo.InvariantCulture));
                    break;
                default:
                    problems.Add($"{field.Name}: column {column} holds a {value.GetType().Name}, which is not a {field.Kind.ToString().ToLowerInvariant()} value");
                    break;
            }
        }

        return problems.Count == 0 ? RecordRow.Read(location, values) : RecordRow.Unreadable(location, string.Join("; ", problems));
    }
}
