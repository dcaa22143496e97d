using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Federation.Testing.Postgres;

/// <summary>
/// A real PostgreSQL server from the machine's Debian packages, started once per test process in a temporary folder on
/// a free loopback port and deleted when the process exits. PostgreSQL refuses to run as root, so under root (CI) it
/// runs as the packages' unprivileged user "postgres". Missing binaries fail the tests with what to install: never
/// skipped. Test classes take a <see cref="PostgresDatabase"/> each rather than sharing tables.
/// </summary>
public sealed class PostgresServer
{
    public const string User = "federation";

    /// <summary>The password of <see cref="User"/>; tests assert that it never appears in a message or a log.</summary>
    public const string Password = "s3cret-Pg-Passw0rd";

    private const string ServiceUser = "postgres";
    private const string FolderPrefix = "fed-pg-";
    private const string OwnerFile = "owner.pid";
    private static readonly Lazy<Task<PostgresServer>> s_shared = new(() => StartAsync(durable: false));

    private readonly string _folder;
    private readonly string _bin;

    private PostgresServer(string folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server of this test process: the first caller starts it (a few seconds); it stops when the process exits.</summary>
    public static Task<PostgresServer> SharedAsync() => s_shared.Value;

    /// <summary>
    /// A server of its own with PostgreSQL's durable defaults (fsync, synchronous commit, full page writes), for what
    /// measures durable writes (the benchmarks); the shared server trades them for speed. It stops when the process exits.
    /// </summary>
    public static Task<PostgresServer> StartDurableAsync() => StartAsync(durable: true);

    /// <summary>A connection string to database <paramref name="database"/> of this server, with the password.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = User, Password = Password, Database = database }.ConnectionString;

    /// <summary>Creates an empty database named after <paramref name="prefix"/> (made unique) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections first.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="sql"/> in a database directly, as an operator with write access would.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartAsync(bool durable)
    {
        var bin = FindBinaries();
        StopAbandonedServers(bin);
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var data = Path.Combine(folder, "data");
        var passwordFile = Path.Combine(folder, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", $"{ServiceUser}:", folder], asServiceUser: false);
        }

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", User, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "--encoding=UTF8", "--no-sync"]);
        var port = FreePort();
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o",
             $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300" +
             (durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"),
             "start"]);
        StartWatchdog(folder, bin);
        return new PostgresServer(folder, bin, port);
    }

    // The test host ends its process abruptly once the tests are done (no time to stop a server in ProcessExit), and a
    // cancelled run kills it: a detached shell waits for this process to end, then stops the server and deletes its folder.
    private static void StartWatchdog(string folder, string bin)
    {
        var pgCtl = Path.Combine(bin, "pg_ctl");
        var stop = Environment.UserName == "root" ? $"runuser -u {ServiceUser} -- '{pgCtl}'" : $"'{pgCtl}'";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 0.5; done; " +
                     $"{stop} -D '{Path.Combine(folder, "data")}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{folder}'";
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = false };
        foreach (var argument in (string[])["sh", "-c", script])
        {
            start.ArgumentList.Add(argument);
        }

        using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the PostgreSQL test server's watchdog (setsid sh).");
    }

    private void Stop()
    {
        try
        {
            RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"]).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // A test process that was killed (a cancelled run, a crashed host) leaves its server running: stop those of dead owners.
    private static void StopAbandonedServers(string bin)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var owner = Path.Combine(folder, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                new PostgresServer(folder, bin, 0).Stop();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // Already stopped, or half-deleted by its own owner: nothing to stop.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
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
            "Install them (Debian/Ubuntu: apt-get install postgresql); the PostgreSQL tests need a real server.");
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

/// <summary>
/// An xunit class fixture: one empty database of the test process's <see cref="PostgresServer"/> for one test class,
/// dropped after the class.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The database's connection string (with the password).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        ConnectionString = await _server.CreateDatabaseAsync("test");
    }

    public Task DisposeAsync() => _server?.DropDatabaseAsync(ConnectionString) ?? Task.CompletedTask;
}
