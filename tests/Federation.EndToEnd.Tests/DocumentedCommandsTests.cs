using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Federation.Node;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// Every fenced block marked <c>```sh doc-test</c> in the README and the docs is run, as written, against one demo
/// federation (a running gateway, several nodes' releases), by bash with `fed` on the PATH and the demo where a
/// reader's would be (~/.local/share/federation/demo), from the repository root. A file's blocks run in order in one
/// shell, so later blocks use the variables earlier ones set; each must exit 0.
/// </summary>
public sealed partial class DocumentedCommandsTests(DocumentedCommandsTests.Demo demo) : IClassFixture<DocumentedCommandsTests.Demo>
{
    /// <summary>
    /// The documents whose doc-test blocks are run; a document listed here with none fails the test. Every other ```sh
    /// block of these and of docs/deploying-the-gateway.md and docs/observability.md is listed, with the reason it is
    /// not run, in Federation.Cli.Tests' DocumentedCommandLinesTests, which parses its `fed` lines against the CLI.
    /// </summary>
    public static TheoryData<string> Documents => new() { "README.md", "docs/analysts.md", "docs/deploying-a-node.md", "docs/auditing.md" };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Every_doc_test_block_runs_and_exits_0(string document)
    {
        var blocks = DocTestBlocks(File.ReadAllText(Path.Combine(ExternalProcess.RepositoryRoot(), document)));
        Assert.NotEmpty(blocks);

        var script = new StringBuilder("set -euo pipefail\n");
        foreach (var (line, text) in blocks)
        {
            script.Append($"echo '>>> {document} line {line}' >&2\n").Append(text).Append('\n');
        }

        var (exitCode, output, error) = await demo.RunShellAsync(script.ToString());

        var failedAt = error.Split('\n').LastOrDefault(l => l.StartsWith(">>> ", StringComparison.Ordinal));
        Assert.True(exitCode == 0, $"The doc-test block at {failedAt?[4..]} exited {exitCode}.\nstdout:\n{output}\nstderr:\n{error}");
    }

    [Fact]
    public async Task Every_command_the_running_demo_suggests_exits_0()
    {
        // Printed as "COMMAND          (what it does)": the note is not part of the command.
        var commands = Cli.Demo.DemoRunner.CommandsToTry(demo.Layout, demo.Address.ToString())
            .Select(c => Regex.Replace(c, @"\s{2,}\(.*\)$", string.Empty))
            .ToArray();
        Assert.Contains(commands, c => c.StartsWith("npx @bufbuild/buf curl ", StringComparison.Ordinal));

        var script = new StringBuilder("set -euo pipefail\n");
        foreach (var command in commands)
        {
            script.Append($"echo '>>> {command}' >&2\n{command} >/dev/null\n");
        }

        var (exitCode, output, error) = await demo.RunShellAsync(script.ToString());

        var failed = error.Split('\n').LastOrDefault(l => l.StartsWith(">>> ", StringComparison.Ordinal));
        Assert.True(exitCode == 0, $"`{failed?[4..]}` exited {exitCode}.\nstdout:\n{output}\nstderr:\n{error}");
    }

    [Fact]
    public void Blocks_are_found_with_their_line_numbers()
    {
        var blocks = DocTestBlocks("text\n```sh doc-test\nfed query\n```\n```sh\nnot run\n```\n```sh doc-test\na \\\n  b\n```\n");

        Assert.Equal([(3, "fed query"), (9, "a \\\n  b")], blocks);
    }

    // The body of each ```sh doc-test block and the line it starts on (1-based).
    private static List<(int Line, string Text)> DocTestBlocks(string markdown)
    {
        var blocks = new List<(int, string)>();
        foreach (Match match in DocTestBlock().Matches(markdown.ReplaceLineEndings("\n")))
        {
            var line = markdown[..match.Index].Count(c => c == '\n') + 2;
            blocks.Add((line, match.Groups["body"].Value.TrimEnd('\n')));
        }

        return blocks;
    }

    [GeneratedRegex(@"^```sh doc-test\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex DocTestBlock();

    /// <summary>
    /// One demo federation for all documents: a gateway with seven jurisdictions' releases (42 leaves),
    /// a home folder whose ~/.local/share/federation/demo is it.
    /// </summary>
    public sealed class Demo : IAsyncLifetime
    {
        private static readonly string[] Reporting = ["ON", "QC", "BC", "AB", "MB", "SK", "NS"];
        private DemoFederationFixture _federation = null!;
        private string _home = null!;

        internal Cli.Demo.DemoLayout Layout => _federation.Layout;

        internal Uri Address => _federation.Address;

        public async Task InitializeAsync()
        {
            _federation = await DemoFederationFixture.StartAsync();
            foreach (var jurisdiction in Reporting)
            {
                await new NodeRunner(NodeConfiguration.Load(_federation.Layout.NodeConfiguration(jurisdiction)), TimeProvider.System).RunAsync(CancellationToken.None);
            }

            _home = Path.Combine(Path.GetTempPath(), "federation-doc-test", Guid.NewGuid().ToString("N"));
            var share = Directory.CreateDirectory(Path.Combine(_home, ".local", "share", "federation"));
            Directory.CreateSymbolicLink(Path.Combine(share.FullName, "demo"), _federation.Layout.Root);
        }

        /// <summary>Runs a bash script from the repository root, with HOME the demo's home and `fed` the built CLI.</summary>
        public async Task<(int ExitCode, string Output, string Error)> RunShellAsync(string script)
        {
            var start = new ProcessStartInfo("bash")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = ExternalProcess.RepositoryRoot(),
            };
            start.Environment["HOME"] = _home;
            start.Environment.Remove("XDG_DATA_HOME");
            // Debian's python3 (with python3-grpcio) before any other on the PATH.
            start.Environment["PATH"] = $"/usr/bin:{Environment.GetEnvironmentVariable("PATH")}";
            start.Environment["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("HOME") ?? _home;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync($"fed() {{ dotnet '{Path.Combine(AppContext.BaseDirectory, "fed.dll")}' \"$@\"; }}\n{script}");
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The doc-test script did not finish in 5 minutes. Output so far: {await output}\n{await error}");
            }

            return (process.ExitCode, await output, await error);
        }

        public async Task DisposeAsync()
        {
            await _federation.DisposeAsync();
            try
            {
                Directory.Delete(_home, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS cleans the temp folder.
            }
        }
    }
}
