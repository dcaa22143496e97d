using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Federation.Sdk.Adapters.Sql.Tests;

/// <summary>
/// A real PostgreSQL server from the machine's Debian packages, started for the tests in a temporary folder on a free
/// loopback port and deleted afterwards. PostgreSQL refuses to run as root, so under root (CI) it runs as the
/// packages' unprivileged user "postgres". Missing binaries fail the tests with what to install: never skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string User = "federation";
    public const string Password = "s3cret-Pg-Passw0rd";
    private const string ServiceUser = "postgres";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"fed-pg-{Guid.NewGuid():N}");
    private string _bin = string.Empty;
    private bool _started;

    public int Port { get; private set; }

    /// <summary>A connection string to a fresh database of this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = User, Password = Password, Database = database, Pooling = false }.ConnectionString;

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        Directory.CreateDirectory(_folder);
        var data = Path.Combine(_folder, "data");
        var passwordFile = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", $"{ServiceUser}:", _folder], asServiceUser: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-U", User, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "--encoding=UTF8", "--no-sync"]);
        Port = FreePort();
        await RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);
        _started = true;
    }

    /// <summary>Creates a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"]);
            }
        }
        finally
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    private static string FindBinaries()
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var version) ? version : 0)
                .FirstOrDefault()
            : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .FirstOrDefault(folder => folder.Length > 0 && File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")));
        return installed ?? onPath ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were found neither under /usr/lib/postgresql/*/bin nor on PATH. " +
            "Install them (Debian/Ubuntu: apt-get install postgresql); the SQL adapter's PostgreSQL tests need a real server.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServiceUser = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServiceUser && Environment.UserName == "root")
        {
            // PostgreSQL will not run as root; the Debian packages create this unprivileged user for it.
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", ServiceUser, "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
