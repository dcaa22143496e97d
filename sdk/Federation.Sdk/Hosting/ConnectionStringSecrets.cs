using System.Data.Common;

namespace Federation.Sdk.Hosting;

/// <summary>
/// Keeps a connection string's secrets (password, pwd, passfile, SSL key and its password) out of what a program says:
/// errors, logs, names. Used wherever a connection string is configured: the SQL adapter, the gateway's PostgreSQL store.
/// </summary>
public sealed class ConnectionStringSecrets
{
    private static readonly string[] s_secretKeys = ["password", "pwd", "psw", "passfile", "sslpassword", "ssl password", "sslkey", "ssl key"];

    private readonly string[] _secrets;

    public ConnectionStringSecrets(string? connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString ?? string.Empty;
        }
        catch (ArgumentException)
        {
            // Unparseable: nothing can be picked out, so nothing of it may be shown at all.
            _secrets = string.IsNullOrEmpty(connectionString) ? [] : [connectionString];
            return;
        }

        _secrets = builder.Keys.Cast<string>()
            .Where(key => s_secretKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            .Select(key => Convert.ToString(builder[key], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)
            .Where(secret => secret.Length > 0)
            .ToArray();
    }

    /// <summary><paramref name="message"/> with every secret of the connection string replaced by "***".</summary>
    public string Scrub(string message) =>
        _secrets.Aggregate(message, (text, secret) => text.Replace(secret, "***", StringComparison.Ordinal));

    /// <summary>Whether <paramref name="message"/> holds a secret (then an exception carrying it must not be kept as an inner exception).</summary>
    public bool Reveals(string message) => _secrets.Any(secret => message.Contains(secret, StringComparison.Ordinal));
}
