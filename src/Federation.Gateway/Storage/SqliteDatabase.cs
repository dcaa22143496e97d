using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Storage;

/// <summary>The gateway's SQLite file as every store opens it (pooled, 30 s busy timeout), and how times are written in it.</summary>
internal sealed class SqliteDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Federation.Sdk.Hosting.OwnerOnlyFile.Ensure(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Said, not left to the library's build default: a commit (and so a receipt) waits until the WAL is on disk.
        await using (var durable = connection.CreateCommand())
        {
            durable.CommandText = "PRAGMA synchronous = FULL";
            await durable.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    // Fixed-width UTC text sorts in time order, which the history queries rely on.
    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
