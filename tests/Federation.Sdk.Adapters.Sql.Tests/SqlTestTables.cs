using System.Data.Common;
using System.Globalization;
using System.Text;
using Federation.Sdk.Catalog;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;
using Microsoft.Extensions.Configuration;

namespace Federation.Sdk.Adapters.Sql.Tests;

/// <summary>Writes synthetic cases and conformance records into tables, for any provider.</summary>
internal static class SqlTestTables
{
    public static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    public static async Task CreateAndFillAsync(
        DbConnection connection, string table, string textType, IReadOnlyList<SyntheticCase> cases, bool typedDates, CancellationToken cancellationToken)
    {
        string Type(string column) => typedDates && column.EndsWith("_date", StringComparison.Ordinal) ? "date" : textType;
        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {table}", cancellationToken);
        await ExecuteAsync(
            connection,
            $"CREATE TABLE {table} (position integer, {string.Join(", ", SyntheticCase.Columns.Select(c => $"{c} {Type(c)}"))})",
            cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        for (var position = 0; position < cases.Count; position++)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {table} (position, {string.Join(", ", SyntheticCase.Columns)}) VALUES (@position, {string.Join(", ", SyntheticCase.Columns.Select(c => "@" + c))})";
            Add(insert, "position", position);
            var fields = cases[position].Fields();
            for (var i = 0; i < fields.Count; i++)
            {
                var column = SyntheticCase.Columns[i];
                object? value = !typedDates || !column.EndsWith("_date", StringComparison.Ordinal) ? (fields[i].Length == 0 ? null : fields[i])
                    : column == "birth_date" ? cases[position].BirthDate
                    : cases[position].RecordedIdentificationDate;
                Add(insert, column, value);
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Writes conformance records into <paramref name="table"/>, one column per field under the column name the records
    /// give. With <paramref name="typed"/>, dates are date columns, numbers integer columns and lists text[] arrays
    /// (PostgreSQL); otherwise every column is text, lists ';'-separated.
    /// </summary>
    public static async Task CreateAndFillAsync(DbConnection connection, string table, ConformanceRecords records, bool typed, CancellationToken cancellationToken)
    {
        var fields = records.Record.Fields;
        string Type(RecordField field) => !typed ? "TEXT" : field.Kind switch
        {
            RecordFieldKind.Date => "date",
            RecordFieldKind.Number => "integer",
            RecordFieldKind.List => "text[]",
            _ => "text",
        };
        object? Value(object?[] row, RecordField field) => !typed ? ConformanceRecords.Text(row, field) : row[field.Index] switch
        {
            null => null,
            string[] list => list,
            string text when field.Kind == RecordFieldKind.Date => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            string text when field.Kind == RecordFieldKind.Number => int.Parse(text, CultureInfo.InvariantCulture),
            var text => text,
        };

        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {table}", cancellationToken);
        await ExecuteAsync(connection, $"CREATE TABLE {table} (position integer, {string.Join(", ", fields.Select(f => $"{records.Columns[f.Index]} {Type(f)}"))})", cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        for (var position = 0; position < records.Rows.Count; position++)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {table} VALUES (@position, {string.Join(", ", fields.Select(f => $"@f{f.Index}"))})";
            Add(insert, "position", position);
            foreach (var field in fields)
            {
                Add(insert, $"f{field.Index}", Value(records.Rows[position], field));
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
