using System.Data.Common;
using System.Text;
using Federation.Sdk.Synthetic;
using Microsoft.Extensions.Configuration;

namespace Federation.Sdk.Adapters.Sql.Tests;

/// <summary>Writes synthetic cases into a table with the CSV adapter's default column names, for any provider.</summary>
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
