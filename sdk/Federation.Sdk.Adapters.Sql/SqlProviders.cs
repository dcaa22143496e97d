using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>
/// The ADO.NET providers the SQL adapter finds by invariant name: SQLite and PostgreSQL are built in; any other
/// provider is used once the application registers it with <see cref="DbProviderFactories.RegisterFactory(string, DbProviderFactory)"/>.
/// </summary>
public static class SqlProviders
{
    public const string Sqlite = "Microsoft.Data.Sqlite";

    public const string PostgreSql = "Npgsql";

    /// <summary>The registered factory for <paramref name="invariantName"/>, registering the built-in ones on first use.</summary>
    public static bool TryGet(string invariantName, out DbProviderFactory factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(invariantName);
        RegisterBuiltIn();
        return DbProviderFactories.TryGetFactory(invariantName, out factory!);
    }

    /// <summary>The invariant names of every registered provider.</summary>
    public static IReadOnlyList<string> Names()
    {
        RegisterBuiltIn();
        return DbProviderFactories.GetProviderInvariantNames().Order(StringComparer.Ordinal).ToArray();
    }

    private static void RegisterBuiltIn()
    {
        // An application's own registration of these names wins.
        if (!DbProviderFactories.TryGetFactory(Sqlite, out _))
        {
            DbProviderFactories.RegisterFactory(Sqlite, SqliteFactory.Instance);
        }

        if (!DbProviderFactories.TryGetFactory(PostgreSql, out _))
        {
            DbProviderFactories.RegisterFactory(PostgreSql, NpgsqlFactory.Instance);
        }
    }
}
