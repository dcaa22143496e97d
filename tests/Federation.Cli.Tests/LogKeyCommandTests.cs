using System.CommandLine;
using Federation.Cli.Commands;
using Federation.Sdk.Transparency;

namespace Federation.Cli.Tests;

/// <summary>`fed admin log-key create` makes a production log key pair the gateway loads, and never overwrites one.</summary>
[Collection(SharedConsole.Name)]
public sealed class LogKeyCommandTests : IDisposable
{
    private const string Origin = "gateway.example.ca/log";
    private readonly string _folder = Directory.CreateTempSubdirectory("fed-log-key-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task It_writes_an_owner_only_private_key_and_the_verifier_key_of_the_same_pair()
    {
        var output = Path.Combine(_folder, "keys");

        var (exitCode, text, error) = await RunAsync("--out", output, "--origin", Origin);

        Assert.Equal((0, string.Empty), (exitCode, error));
        var privateKey = Path.Combine(output, "log.key");
        using var loaded = LogSigningKey.Load(Origin, privateKey);
        var published = LogVerifierKey.TryParse(await File.ReadAllTextAsync(Path.Combine(output, "log.pub")), out var parseError);
        Assert.True(published is not null, parseError);
        Assert.Equal(loaded.VerifierKey.ToString(), published.ToString());
        Assert.Equal(Origin, published.Name);
        Assert.Contains(published.ToString().Split('+')[1], text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
        }
    }

    [Theory]
    [InlineData("log.key")]
    [InlineData("log.pub")]
    public async Task It_refuses_to_overwrite_either_file(string existing)
    {
        var path = Path.Combine(_folder, existing);
        await File.WriteAllTextAsync(path, "kept");

        var (exitCode, _, error) = await RunAsync("--out", _folder, "--origin", Origin);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{path} already exists; nothing was written.", error, StringComparison.Ordinal);
        Assert.Equal("kept", await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task It_refuses_an_origin_the_gateway_would_refuse()
    {
        var (exitCode, _, error) = await RunAsync("--out", _folder, "--origin", "gateway example");

        Assert.Equal(2, exitCode);
        Assert.Contains("--origin 'gateway example' must be non-empty, without spaces or '+'", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (originalOutput, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exitCode = await new RootCommand { AdminCommand.Create() }.Parse(["admin", "log-key", "create", .. arguments]).InvokeAsync();
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOutput);
            Console.SetError(originalError);
        }
    }
}
