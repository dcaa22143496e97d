using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Federation.Cli.Commands;

namespace Federation.Cli.Tests;

/// <summary>
/// Docs and `--help` agree with the CLI: every `fed` command line in a ```sh block of the README and the docs, and every
/// `fed ...` example in a `--help` text, parses against the real command tree (a command or option that does not exist
/// fails). Every ```sh block is either run against the demo (```sh doc-test, by the end-to-end DocumentedCommandsTests)
/// or listed in <see cref="NotRun"/> with the reason, so a reader of this file sees which are not run.
/// </summary>
public sealed partial class DocumentedCommandLinesTests
{
    /// <summary>The documents whose ```sh blocks are checked.</summary>
    public static TheoryData<string> Documents =>
    [
        "README.md", "docs/analysts.md", "docs/deploying-a-node.md", "docs/deploying-the-gateway.md", "docs/auditing.md", "docs/observability.md",
    ];

    /// <summary>The ```sh blocks that are not run, by document and first line, with the reason; their `fed` lines are still parsed.</summary>
    private static readonly Dictionary<(string Document, string FirstLine), string> NotRun = new()
    {
        [("README.md", "dotnet run --project src/Federation.Cli -- demo")] = "starts the demo and runs until Ctrl+C; the doc-tests run against one demo started by their fixture",
        [("README.md", "npm ci && dotnet test Federation.sln")] = "the whole test suite, of which this test is part",
        [("README.md", "fed report --year 2024 --out report        # add --data DIR for a demo started with --data DIR")] = "writes report/ into the checkout; ReportCommandTests and ReportBrowserTests run it",
        [("README.md", "fed log verify                              # auditor: entries recomputed, every release's signature, served state and query answers, all nodes' receipts")] =
            "placeholders (DIR, TREE_SIZE); docs/auditing.md's doc-test block runs fed log verify on the demo, LogVerifyTests and LogCheckProofTests the rest",
        [("README.md", "fed services capacity                      # available and maximum by jurisdiction and sector, share full, staleness")] =
            "fed services watch streams until Ctrl+C; DirectoryEndToEndTests runs these commands",
        [("README.md", "dotnet run -c Release --project tests/Federation.Benchmarks -- all          # or one or more names below")] = "benchmarks take minutes on a quiet machine",
        [("docs/deploying-a-node.md", "dotnet publish src/Federation.Cli -c Release -o out/federation")] = "a release build of the CLI (CI builds it another way)",
        [("docs/deploying-a-node.md", "sudo mkdir -p /opt/federation")] = "installs into /opt as root",
        [("docs/deploying-a-node.md", "sudo useradd --system --no-create-home --shell /usr/sbin/nologin federation")] = "creates a system account as root",
        [("docs/deploying-a-node.md", "fed admin node-bundle --jurisdiction NS --gateway https://gateway.example.ca:7443 \\")] = "needs the federation's root key; run by NodeSetupCommandTests against a test federation",
        [("docs/deploying-a-node.md", "sudo -u federation fed node init --bundle /tmp/node-ns.bundle.json \\")] = "needs the federation service account and /etc (root); run by NodeSetupCommandTests",
        [("docs/deploying-a-node.md", "fed admin issue-certificate --request node.csr --jurisdiction NS \\")] = "needs a real root key and gateway; run by NodeSetupCommandTests",
        [("docs/deploying-a-node.md", "sudo install -o federation -g federation -m 0644 node-ns.pem /etc/federation/node.pem")] = "installs into /etc as root",
        [("docs/deploying-a-node.md", "sudo systemctl stop federation-node")] = "stops a systemd service and writes /backup as root",
        [("docs/deploying-a-node.md", "sudo tar -xzpf /backup/federation-node-2026-12-01.tar.gz -C /")] = "restores into / as root; NodeRestoreTests restores a node folder",
        [("docs/deploying-a-node.md", "fed node validate --config ~/.local/share/federation/demo/nodes/ON/node.json")] =
            "run on the demo by CommandLineTests.Fed_demo_once_prints_national_figures_and_all_13_jurisdictions (validate exits 3 there: the synthetic sources hold rows quarantined by design)",
        [("docs/deploying-a-node.md", "# administrator: the client, its jurisdiction, and a credentials file (owner-only) to hand over securely")] = "a real gateway at gateway.example.ca; ProvinceClientCommandTests runs it on a test gateway",
        [("docs/deploying-a-node.md", "fed token-server issue-signing-certificate --ca-certificate root.pem --ca-key root.key \\")] = "starts a token server with the federation root key; StandaloneTokenServerTests runs one",
        [("docs/deploying-a-node.md", "fed token-server add-admin admin-1 --identity-store /var/lib/federation-tokens/identity.db \\")] = "writes /var/lib (root)",
        [("docs/deploying-a-node.md", "fed node run --config /etc/federation/node.json --once   # one pass, then exit")] = "a real node under /etc; NodeRunCommandTests runs nodes",
        [("docs/deploying-a-node.md", "sudo cp deploy/federation-node.service /etc/systemd/system/")] = "installs a systemd unit as root; DeployUnitsTests checks the unit",
        [("docs/deploying-a-node.md", "sudo systemctl daemon-reload")] = "systemd as root",
        [("docs/deploying-a-node.md", "fed node status --config /etc/federation/node.json")] = "a real node under /etc; NodeLifecycleCommandTests runs status",
        [("docs/deploying-the-gateway.md", "fed admin log-key create --out /etc/federation/log --origin gateway.example.ca/log")] = "writes /etc (root)",
        [("docs/deploying-the-gateway.md", "PGPASSWORD=... fed token-server add-admin admin-1 \\")] = "a real PostgreSQL server at db.example.ca",
        [("docs/deploying-the-gateway.md", "pg_dump --format=custom --file=federation-$(date +%F).dump \"host=db.example.ca dbname=federation user=federation_gateway\"")] = "a real PostgreSQL server",
        [("docs/deploying-the-gateway.md", "sqlite3 /var/lib/federation/gateway.db \".backup /backup/gateway-$(date +%F).db\"")] = "a production gateway's files under /var/lib",
        [("docs/deploying-the-gateway.md", "createdb --owner=federation_gateway federation")] = "a real PostgreSQL server",
        [("docs/deploying-the-gateway.md", "createdb federation_demo")] = "a local PostgreSQL server; DemoOnPostgresTests runs the demo on one",
        [("docs/deploying-the-gateway.md", "fed demo --data /tmp/fed-demo-pg --once --replicas 2 --postgres \"Host=localhost;Database=federation_demo;Username=$USER\"")] = "a local PostgreSQL server; GatewayReplicaProcessTests runs replicas",
        [("docs/deploying-the-gateway.md", "fed log verify --gateway https://gateway.example.ca --trust-root root.pem --log-key log.pub --credentials auditor.json")] = "a real gateway; LogVerifyTests runs it on a test gateway",
        [("docs/deploying-the-gateway.md", "fed admin node-bundle --jurisdiction NS --gateway https://gateway.example.ca:7443 \\")] = "the federation's root key and a real gateway; NodeSetupCommandTests",
        [("docs/deploying-the-gateway.md", "dotnet publish src/Federation.Gateway -c Release -o out/federation-gateway")] = "a release build of the gateway",
        [("docs/deploying-the-gateway.md", "sudo useradd --system --no-create-home --shell /usr/sbin/nologin federation-gateway")] = "creates a system account as root",
        [("docs/deploying-the-gateway.md", "sudo cp deploy/federation-gateway.service /etc/systemd/system/")] = "systemd as root; DeployUnitsTests checks the unit",
        [("docs/deploying-the-gateway.md", "Gateway__Telemetry__Prometheus__Port=9464                # GET http://127.0.0.1:9464/metrics, plain HTTP, its own port")] = "settings of a gateway's environment file, not commands",
        [("docs/auditing.md", "fed log verify --data DIR                                  # auditor of the demo under DIR")] = "placeholders (DIR) and a real gateway; the doc-test block below runs it on the demo",
        [("docs/observability.md", "# /etc/federation-gateway/gateway.env (see deploying-the-gateway.md)")] = "settings of a gateway's environment file, not commands",
        [("docs/observability.md", "curl -s http://127.0.0.1:9464/metrics | grep ^federation_")] = "a gateway started with Prometheus on; TelemetryTests scrapes one",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_fed_command_line_in_a_sh_block_parses_against_the_command_tree(string document)
    {
        var root = FedCommand.Create();
        var failures = ShBlocks(Read(document))
            .SelectMany(b => FedCommandLines(b.Body).Select(line => (b.Line, Command: line)))
            .Select(c => (c.Line, c.Command, Errors: root.Parse(c.Command).Errors.Select(e => e.Message).ToArray()))
            .Where(c => c.Errors.Length > 0)
            .Select(c => $"{document} block at line {c.Line}: `fed {string.Join(' ', c.Command)}`: {string.Join("; ", c.Errors)}")
            .ToArray();

        Assert.True(failures.Length == 0, string.Join(Environment.NewLine, failures));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_sh_block_is_run_or_listed_with_the_reason_it_is_not(string document)
    {
        var unlisted = ShBlocks(Read(document))
            .Where(b => !b.DocTest && !NotRun.ContainsKey((document, b.Body.Split('\n')[0])))
            .Select(b => $"{document} line {b.Line}: mark it ```sh doc-test or list it in NotRun with the reason: {b.Body.Split('\n')[0]}")
            .ToArray();
        var stale = NotRun.Keys.Where(k => k.Document == document)
            .Where(k => !ShBlocks(Read(document)).Any(b => !b.DocTest && b.Body.Split('\n')[0] == k.FirstLine))
            .Select(k => $"NotRun lists a block of {document} that is not there (any more): {k.FirstLine}")
            .ToArray();

        Assert.True(unlisted.Length + stale.Length == 0, string.Join(Environment.NewLine, unlisted.Concat(stale)));
    }

    [Fact]
    public void Every_fed_example_in_a_help_text_parses_against_the_command_tree()
    {
        var root = FedCommand.Create();
        var examples = HelpTexts(root)
            .SelectMany(h => HelpExample().Matches(h.Text).Select(m => (h.Command, Example: m.Groups["args"].Value.TrimEnd('.', ',', ':', ' '))))
            .Distinct()
            .ToArray();
        // An example may name a command without its required options ("see `fed admin issue-certificate`"); every
        // command and option it names must exist, and every value it gives must parse.
        var failures = examples
            .Select(e => (e.Command, e.Example, Errors: root.Parse(Tokens(e.Example)).Errors.Select(x => x.Message)
                .Where(m => !m.Contains("is required", StringComparison.Ordinal) && !m.StartsWith("Required ", StringComparison.Ordinal)).ToArray()))
            .Where(e => e.Errors.Length > 0)
            .Select(e => $"{e.Command}: `fed {e.Example}`: {string.Join("; ", e.Errors)}")
            .ToArray();

        Assert.True(examples.Length >= 5, $"only {examples.Length} examples found in the help texts: the extraction is broken");
        Assert.True(failures.Length == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void A_command_line_with_an_option_that_does_not_exist_is_caught()
    {
        var lines = FedCommandLines("sudo -u federation fed node preview --config /etc/federation/node.json --yeer 2024 \\\n  --format json   # comment\nfed datasets --data $DEMO | head");

        Assert.Equal([["node", "preview", "--config", "/etc/federation/node.json", "--yeer", "2024", "--format", "json"], ["datasets", "--data", "1"]], lines);
        Assert.NotEmpty(FedCommand.Create().Parse(lines[0]).Errors);
        Assert.Empty(FedCommand.Create().Parse(lines[1]).Errors);
    }

    private static string Read(string document)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "Federation.sln")))
        {
            directory = directory.Parent;
        }

        return File.ReadAllText(Path.Combine(directory.FullName, document)).ReplaceLineEndings("\n");
    }

    // Each ```sh block (doc-test or not) with the line its body starts on.
    private static List<(int Line, string Body, bool DocTest)> ShBlocks(string markdown) =>
        [.. ShBlock().Matches(markdown).Select(m => (markdown[..m.Index].Count(c => c == '\n') + 2, m.Groups["body"].Value.TrimEnd('\n'), m.Groups["doctest"].Success))];

    /// <summary>The arguments after `fed` on each command line of a block: continuations joined, comments and redirections dropped.</summary>
    private static List<string[]> FedCommandLines(string body)
    {
        var lines = new List<string[]>();
        foreach (var line in body.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
        {
            var tokens = Tokens(line);
            var fed = tokens.IndexOf("fed");
            if (fed >= 0 && tokens.Take(fed).All(t => t is "sudo" or "-u" or "federation" || t.Contains('=', StringComparison.Ordinal)))
            {
                // A shell variable stands for a value the reader has: "1" parses as text and as a number.
                lines.Add([.. tokens.Skip(fed + 1).TakeWhile(t => t is not ("|" or "&&" or "||" or ";" or ">" or "2>" or ">>" or "&")).Select(t => t.StartsWith('$') ? "1" : t)]);
            }
        }

        return lines;
    }

    // Shell words: quotes group, a # that starts a word starts a comment.
    private static List<string> Tokens(string line)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    tokens.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            tokens.Add(word.ToString());
        }

        return tokens;
    }

    private static IEnumerable<(string Command, string Text)> HelpTexts(Command command, string path = "fed")
    {
        yield return (path, command.Description ?? string.Empty);
        foreach (var option in command.Options)
        {
            yield return ($"{path} {option.Name}", option.Description ?? string.Empty);
        }

        foreach (var argument in command.Arguments)
        {
            yield return ($"{path} <{argument.Name}>", argument.Description ?? string.Empty);
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var text in HelpTexts(sub, $"{path} {sub.Name}"))
            {
                yield return text;
            }
        }
    }

    [GeneratedRegex(@"^```sh(?<doctest> doc-test)?\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShBlock();

    // "fed" then a command and what follows it, up to the end of the example (a backtick, a bracket, a sentence's end).
    [GeneratedRegex(@"\bfed (?<args>[a-z][a-z-]*(?: [^\s`()]+)*)")]
    private static partial Regex HelpExample();
}
