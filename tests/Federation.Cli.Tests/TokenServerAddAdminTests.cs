using System.CommandLine;
using Federation.Cli.Commands;
using Federation.Sdk.Trust;
using Federation.Testing.Postgres;
using Npgsql;

namespace Federation.Cli.Tests;

/// <summary>`fed token-server add-admin` registers the first administrator in a SQLite identity store or in a gateway's PostgreSQL database.</summary>
[Collection(SharedConsole.Name)]
public sealed class TokenServerAddAdminTests : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly PostgresDatabase _database;
    private readonly string _folder = Directory.CreateTempSubdirectory("fed-add-admin-").FullName;
    private readonly string _trustRoot;

    public TokenServerAddAdminTests(PostgresDatabase database)
    {
        _database = database;
        _trustRoot = Path.Combine(_folder, "root.pem");
        using var authority = FederationCertificateAuthority.Create("Test Federation Root");
        authority.SaveTo(_trustRoot, Path.Combine(_folder, "root.key"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_first_administrator_is_registered_in_a_gateways_PostgreSQL_database()
    {
        var credentials = Path.Combine(_folder, "admin-1.json");
        var (exitCode, output, error) = await RunAsync("--postgres", _database.ConnectionString, "--trust-root", _trustRoot, "--out", credentials);

        Assert.Equal((0, string.Empty), (exitCode, error));
        Assert.Contains("Registered administrator 'admin-1'", output, StringComparison.Ordinal);
        Assert.True(File.Exists(credentials));
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Kind" FROM "FederationClients" WHERE "ClientId" = 'admin-1'""", connection);
        Assert.Equal(3, Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_naming_the_option_and_not_the_password()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Password = "wrong-Passw0rd-x" }.ConnectionString;

        var (exitCode, output, error) = await RunAsync("--postgres", wrong, "--trust-root", _trustRoot, "--out", Path.Combine(_folder, "a.json"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--postgres: cannot connect to the PostgreSQL database", error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Passw0rd-x", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Exactly_one_identity_store_must_be_named(bool both)
    {
        string[] store = both ? ["--identity-store", Path.Combine(_folder, "identity.db"), "--postgres", _database.ConnectionString] : [];

        var (exitCode, _, error) = await RunAsync([.. store, "--trust-root", _trustRoot]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Name the identity store: either --identity-store FILE or --postgres CONNECTION_STRING (one of them).", error, StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.Password, error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (originalOutput, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exitCode = await new RootCommand { TokenServerCommand.Create() }.Parse(["token-server", "add-admin", "admin-1", .. arguments]).InvokeAsync();
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOutput);
            Console.SetError(originalError);
        }
    }
}
