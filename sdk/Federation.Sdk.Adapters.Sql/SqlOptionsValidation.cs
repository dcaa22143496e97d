using Federation.Sdk.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>The rules both SQL sources' options follow; each problem starts with the option key.</summary>
internal static class SqlOptionsRules
{
    /// <summary>Checks the provider, connection string, query, list separator and command timeout.</summary>
    public static void CheckQuery(
        IServiceProvider services, string? provider, string? connectionString, string? query, char listSeparator, int? commandTimeout, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(provider))
        {
            problems.Add($"provider: must be set ({string.Join(", ", SqlProviders.Names())}).");
        }
        else if (!SqlProviders.TryGet(provider, out _))
        {
            problems.Add($"provider: '{provider}' is not a registered ADO.NET provider ({string.Join(", ", SqlProviders.Names())}).");
        }
        else if (string.IsNullOrWhiteSpace(connectionString))
        {
            problems.Add("connectionString: must be set.");
        }
        else if (SqlConnectionStrings.Problem(provider, connectionString, services) is { } problem)
        {
            problems.Add($"connectionString: {problem}");
        }

        if (string.IsNullOrWhiteSpace(query))
        {
            problems.Add("query: must be set.");
        }
        else if (!IsSelect(query))
        {
            problems.Add("query: must be a SELECT statement (or WITH ... SELECT); the adapter only reads.");
        }

        if (listSeparator == '\0')
        {
            problems.Add("listSeparator: must be one character.");
        }

        if (commandTimeout < 0)
        {
            problems.Add("commandTimeout: must be 0 (no limit) or a number of seconds.");
        }
    }

    public static ValidateOptionsResult Result(List<string> problems) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

    // A guard against a wrong query pasted in, not a security boundary: the database user's read-only grant is (README.md).
    private static bool IsSelect(string query)
    {
        var text = query.TrimStart().TrimStart('(');
        return text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("WITH", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Validates every named <see cref="SqlCaseSourceOptions"/> at start-up; each problem starts with the option key.</summary>
internal sealed class SqlCaseSourceOptionsValidator(IServiceProvider services) : IValidateOptions<SqlCaseSourceOptions>
{
    public ValidateOptionsResult Validate(string? name, SqlCaseSourceOptions options)
    {
        var problems = new List<string>();
        SqlOptionsRules.CheckQuery(services, options.Provider, options.ConnectionString, options.Query, options.ListSeparator, options.CommandTimeout, problems);
        if (options.Columns is null)
        {
            problems.Add("columns: must be set.");
        }
        else
        {
            problems.AddRange(options.Columns.Problems());
        }

        return SqlOptionsRules.Result(problems);
    }
}

/// <summary>Validates every named <see cref="SqlRecordSourceOptions"/> at start-up; each problem starts with the option key.</summary>
internal sealed class SqlRecordSourceOptionsValidator(IServiceProvider services) : IValidateOptions<SqlRecordSourceOptions>
{
    public ValidateOptionsResult Validate(string? name, SqlRecordSourceOptions options)
    {
        var problems = new List<string>();
        SqlOptionsRules.CheckQuery(services, options.Provider, options.ConnectionString, options.Query, options.ListSeparator, options.CommandTimeout, problems);
        foreach (var (field, column) in options.Columns ?? [])
        {
            if (string.IsNullOrWhiteSpace(column))
            {
                problems.Add($"columns.{field}: must name a column.");
            }
        }

        return SqlOptionsRules.Result(problems);
    }
}

/// <summary>Connection strings as the adapter uses them: checked by the provider, SQLite files resolved from the node's folder.</summary>
internal static class SqlConnectionStrings
{
    /// <summary>Why the provider refuses the connection string (secrets scrubbed), or null.</summary>
    public static string? Problem(string provider, string connectionString, IServiceProvider services)
    {
        SqlProviders.TryGet(provider, out var factory);
        var builder = factory.CreateConnectionStringBuilder();
        if (builder is not null)
        {
            try
            {
                builder.ConnectionString = connectionString;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                return $"the {provider} provider refuses it: {new ConnectionStringSecrets(connectionString).Scrub(e.Message)}";
            }
        }

        if (provider == SqlProviders.Sqlite && Resolve(provider, connectionString, services) is var resolved
            && new SqliteConnectionStringBuilder(resolved) is { Mode: not SqliteOpenMode.Memory, DataSource: { Length: > 0 } file }
            && file != ":memory:" && !File.Exists(file))
        {
            return $"the SQLite database file '{file}' does not exist.";
        }

        return null;
    }

    /// <summary>The connection string to open: a SQLite file's relative path resolved from the node configuration's folder.</summary>
    public static string Resolve(string provider, string connectionString, IServiceProvider services)
    {
        if (provider != SqlProviders.Sqlite)
        {
            return connectionString;
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } file && file != ":memory:" && !file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            builder.DataSource = services.ResolveNodePath(file);
        }

        return builder.ConnectionString;
    }
}
