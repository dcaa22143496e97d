using System.CommandLine;
using System.Security.Cryptography;
using Federation.Cli.Commands;
using Federation.Sdk.Trust;

namespace Federation.Cli.Tests;

/// <summary>
/// `fed node validate` and `fed node preview` when a plug-in's read throws (an <see cref="System.Xml.XmlException"/> on a
/// malformed export): exit code 2, the source, adapter, plug-in and position named, no stack trace unless --verbose.
/// </summary>
[Collection(SharedConsole.Name)]
public sealed class NodeAdapterFailureCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("federation-cli-tests-").FullName;

    [Theory]
    [InlineData("validate")]
    [InlineData("preview")]
    public async Task An_exception_escaping_a_plugins_read_exits_2_naming_the_source_adapter_and_position_without_a_stack_trace(string command)
    {
        var path = WriteNode();

        var (exitCode, output, error) = await InvokeAsync("node", command, "--config", path);

        Assert.Equal(2, exitCode);
        Assert.Contains(
            $"sources[0] 'intake' (adapter 'xmlcases', plug-in '{Path.Combine(_directory, "plugins", "xml", "Federation.Node.TestPlugin.dll")}'): "
            + "the read failed after 1 row(s), the last at 'cases.xml case 1': XmlException: ",
            error,
            StringComparison.Ordinal);
        Assert.Contains("Run again with --verbose", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_verbose_the_adapters_stack_trace_is_printed_too()
    {
        var path = WriteNode();

        var (exitCode, _, error) = await InvokeAsync("node", "validate", "--config", path, "--verbose");

        Assert.Equal(2, exitCode);
        Assert.Contains("System.Xml.XmlException", error, StringComparison.Ordinal);
        Assert.Contains("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_says_which_plugin_reads_each_source_and_lists_quarantined_records_under_the_configured_source()
    {
        var path = WriteNode("""<cases><case id="NS-1" identified="2024-03-01" status="ActualVictimOfTrafficking" /><case id="NS-2" /></cases>""");

        var (exitCode, output, error) = await InvokeAsync("node", "validate", "--config", path, "--format", "table");

        Assert.True(exitCode == 3, error);
        Assert.Contains(
            $"Records from: intake (adapter 'xmlcases', plug-in '{Path.Combine(_directory, "plugins", "xml", "Federation.Node.TestPlugin.dll")}').",
            output,
            StringComparison.Ordinal);
        Assert.Contains("intake  cases.xml case 2", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A node whose one source is the test plug-in's xmlcases adapter reading <paramref name="export"/> (default: malformed after one case).</summary>
    private string WriteNode(string export = """<cases><case id="NS-1" identified="2024-03-01" status="ActualVictimOfTrafficking" /><case id="NS-2" """)
    {
        var plugin = Directory.CreateDirectory(Path.Combine(_directory, "plugins", "xml")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "test-plugins", "keyvalue")))
        {
            File.Copy(file, Path.Combine(plugin, Path.GetFileName(file)));
        }

        // The node's identity is checked before any source is read: a real root and a certificate it issued to node-ns.
        File.WriteAllText(Path.Combine(_directory, "log.pub"), "x");
        using (var authority = FederationCertificateAuthority.Create("Test Federation Root"))
        {
            authority.SaveTo(Path.Combine(_directory, "root.pem"), Path.Combine(_directory, "root.key"));
            using var node = authority.IssueNodeCertificate("NS", "node-ns");
            CertificateFiles.SavePem(node, Path.Combine(_directory, "node.pem"), Path.Combine(_directory, "node.key"));
        }

        File.WriteAllBytes(Path.Combine(_directory, "rounding.key"), RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(Path.Combine(_directory, "cases.xml"), export);
        var path = Path.Combine(_directory, "node.json");
        var pins = System.Text.Json.JsonSerializer.Serialize(Federation.Node.Adapters.PluginPins.Compute(Path.Combine(_directory, "plugins")));
        File.WriteAllText(path, $$"""
            {
              "jurisdiction": "NS",
              "nodeId": "node-ns",
              "datasetId": "trafficking.victims.v1",
              "gateway": { "address": "https://127.0.0.1:7443", "trustRoot": "root.pem", "logVerifierKey": "log.pub" },
              "signing": { "certificate": "node.pem", "privateKey": "node.key" },
              "protection": { "keyFile": "rounding.key" },
              "referenceYears": [2024],
              "plugins": "plugins",
              "pluginSha256": {{pins}},
              "sources": [ { "name": "intake", "adapter": "xmlcases", "options": { "path": "cases.xml" } } ],
              "stateDirectory": "state"
            }
            """);
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { NodeCommand.Create() };
        var (originalOutput, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (await root.Parse(arguments).InvokeAsync(), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOutput);
            Console.SetError(originalError);
        }
    }
}
