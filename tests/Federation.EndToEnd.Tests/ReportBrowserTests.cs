using System.Globalization;
using System.Text.Json;
using Federation.Cli.Demo;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Trust;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// One demo federation (13 nodes' statistics and directories), one `fed report --year 2024`, and both pages opened once
/// in a real headless Chromium (the Debian package, driven by npm puppeteer-core, checked by npm axe-core).
/// </summary>
public sealed class ReportFixture : IAsyncLifetime
{
    public const int Year = 2024;

    /// <summary>Where the system's Chromium is (FEDERATION_CHROMIUM overrides; .ci/run installs Debian's package).</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("FEDERATION_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private DemoFederationFixture? _federation;

    internal DemoFederationFixture Federation => _federation ?? throw new InvalidOperationException("Not started.");

    /// <summary>The report's folder: where the command `fed demo` prints writes it.</summary>
    public string Folder { get; private set; } = string.Empty;

    public string CommandOutput { get; private set; } = string.Empty;

    /// <summary>What the browser saw, one entry per page (en, fr).</summary>
    public IReadOnlyList<JsonElement> Pages { get; private set; } = [];

    public async Task InitializeAsync()
    {
        // Fail, never skip, when the browser or the npm packages are missing: these checks must run in CI.
        Assert.True(File.Exists(Chromium), $"Chromium is not installed at {Chromium}: `apt-get install -y chromium` (.ci/run does), or set FEDERATION_CHROMIUM.");
        var modules = Path.Combine(ExternalProcess.RepositoryRoot(), "node_modules");
        Assert.True(Directory.Exists(Path.Combine(modules, "puppeteer-core")) && Directory.Exists(Path.Combine(modules, "axe-core")),
            $"puppeteer-core and axe-core are not installed under {modules}: run `npm ci` in the repository root first (the README's test command does).");

        _federation = await DemoFederationFixture.StartAsync();
        foreach (var jurisdiction in Jurisdiction.All)
        {
            var configuration = NodeConfiguration.Load(_federation.Layout.NodeConfiguration(jurisdiction));
            await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);
            await new DirectoryRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);
        }

        // Exactly the `fed report` command the running demo prints.
        var printed = DemoRunner.CommandsToTry(_federation.Layout, _federation.Address.ToString()).Single(c => c.StartsWith("fed report ", StringComparison.Ordinal));
        var arguments = printed.Split("  ", 2)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(["report", "--data", _federation.Layout.Root, "--year", Year.ToString(CultureInfo.InvariantCulture), "--out"], arguments[..^1]);
        Folder = arguments[^1];
        var timeout = TimeSpan.FromMinutes(3);
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(timeout, arguments);
        Assert.True(exitCode == 0, $"fed report exited {exitCode}: {error}\n{output}");
        CommandOutput = output;

        var (browserExit, json, browserError) = await ExternalProcess.RunAsync(
            "node",
            [Path.Combine(ExternalProcess.RepositoryRoot(), "tests", "Federation.EndToEnd.Tests", "Browser", "check-report.mjs"), Chromium, Folder,
             Path.Combine(Folder, "en", "index.html"), Path.Combine(Folder, "fr", "index.html")],
            timeout,
            workingDirectory: ExternalProcess.RepositoryRoot());
        Assert.True(browserExit == 0, $"the browser check exited {browserExit}: {browserError}");
        using var document = JsonDocument.Parse(json);
        Pages = document.RootElement.GetProperty("pages").EnumerateArray().Select(p => p.Clone()).ToArray();
    }

    public async Task DisposeAsync()
    {
        if (_federation is not null)
        {
            await _federation.DisposeAsync();
        }

    }
}

public sealed class ReportBrowserTests(ReportFixture report) : IClassFixture<ReportFixture>
{
    [Fact]
    public void Both_languages_render_without_script_console_errors_or_any_request()
    {
        Assert.Equal(["en", "fr"], report.Pages.Select(p => p.GetProperty("lang").GetString()));
        Assert.All(report.Pages, page =>
        {
            Assert.Equal(0, page.GetProperty("scripts").GetInt32());
            Assert.Empty(page.GetProperty("consoleErrors").EnumerateArray());
            Assert.Empty(page.GetProperty("pageErrors").EnumerateArray());
            Assert.Empty(page.GetProperty("requests").EnumerateArray());
            Assert.True(page.GetProperty("widthAt320").GetInt32() <= 320, "on a 320-pixel screen the page reflows without scrolling sideways");
        });
        Assert.Contains(Path.Combine(report.Folder, "en", "index.html"), report.CommandOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Screenshots_are_not_blank_and_print_leaves_out_the_navigation()
    {
        Assert.All(report.Pages, page =>
        {
            var screenshot = page.GetProperty("screenshot");
            Assert.True(screenshot.GetProperty("height").GetInt32() > 2000, "the page is a few screens long");
            var share = (double)screenshot.GetProperty("nonWhitePixels").GetInt64() / (screenshot.GetProperty("width").GetInt32() * screenshot.GetProperty("height").GetInt32());
            Assert.InRange(share, 0.02, 0.6);
            Assert.True(screenshot.GetProperty("distinctColours").GetInt32() > 50, "text, bars and tables are drawn");
            Assert.False(page.GetProperty("navigationPrinted").GetBoolean());
            Assert.True(new FileInfo(page.GetProperty("pdfPath").GetString()!).Length > 10_000, "the print stylesheet gives a PDF");
        });
    }

    [Fact]
    public void Axe_core_finds_no_accessibility_violation_in_either_language()
    {
        Assert.All(report.Pages, page =>
        {
            var violations = page.GetProperty("axe").GetProperty("violations").EnumerateArray()
                .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()} at {string.Join(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))}")
                .ToArray();
            Assert.True(violations.Length == 0, $"{page.GetProperty("lang").GetString()}: " + string.Join("\n", violations));
        });
    }

    [Fact]
    public async Task The_numbers_shown_equal_the_gateways_answers_at_the_reports_checkpoint()
    {
        var treeSize = ulong.Parse(report.Pages[0].GetProperty("treeSize").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(treeSize.ToString(CultureInfo.InvariantCulture), report.Pages[1].GetProperty("treeSize").GetString());
        using var channel = GatewayChannel.Create(report.Federation.Address, FederationTrust.FromPemFile(report.Federation.Layout.RootCertificate), tokens: report.Federation.Analyst);
        var client = new QueryService.QueryServiceClient(channel);
        async Task<QueryResponse> Ask(QueryRequest request)
        {
            request.DatasetId = "trafficking.victims.v1";
            request.Publication = true;
            request.AsOfTreeSize = treeSize;
            return await client.QueryAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        }

        var national = await Ask(new QueryRequest());
        var jurisdictions = await Ask(new QueryRequest { ByJurisdiction = true, Years = { ReportFixture.Year } });
        var genders = await Ask(new QueryRequest { GroupBy = { "gender" }, Years = { ReportFixture.Year } });
        foreach (var page in report.Pages)
        {
            var tables = page.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!, t => t.GetProperty("rows"));
            var nationalRows = Body(tables["dataset-1-national-table"]);
            Assert.Equal(national.Rows.Select(r => (r.ReferenceYear.ToString(CultureInfo.InvariantCulture), Shown(r))), nationalRows.Select(r => (r[0], r[1])));

            var jurisdictionRows = Body(tables["dataset-1-jurisdictions-table"]);
            Assert.Equal(Jurisdiction.All.Count, jurisdictionRows.Length);
            Assert.Equal(jurisdictions.Rows.Select(Shown), jurisdictionRows.Select(r => r[1]));

            var genderRows = Body(tables["dataset-1-gender-table"]);
            var genderCodes = DatasetCatalog.Default.Get("trafficking.victims.v1").Dimensions.Single(d => d.Id == "gender").Codes.Select(c => c.Code).ToArray();
            Assert.Equal(genderCodes.Select(code => Shown(genders.Rows.Single(r => r.Codes[0] == code))), genderRows.Select(r => r[1]));
        }

        // The demo has jurisdictions too small to publish: their F cells show F and nothing else, neither number nor margin.
        Assert.Contains(jurisdictions.Rows, r => r.Status == CellStatus.TooUnreliable);
        Assert.All(report.Pages, page => Assert.All(
            page.GetProperty("tables").EnumerateArray().Where(t => t.GetProperty("id").GetString()!.StartsWith("dataset-1-", StringComparison.Ordinal))
                .SelectMany(t => Body(t.GetProperty("rows"))).Where(r => r.Count > 2 && r[1] == "F"),
            row => Assert.Equal(string.Empty, row[2])));
    }

    [Fact]
    public async Task The_verify_command_the_report_prints_checks_the_log_extends_its_checkpoint()
    {
        var page = File.ReadAllText(Path.Combine(report.Folder, "en", "index.html"));
        var command = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "<pre class=\"command\"><code>(.*?)</code>").Groups[1].Value);
        var treeSize = report.Pages[0].GetProperty("treeSize").GetString();
        var scratch = Directory.CreateTempSubdirectory("federation-e2e-verify-").FullName;
        try
        {
            // Exactly the printed command, with `fed` the program built next to the tests.
            var fed = Path.Combine(AppContext.BaseDirectory, "fed.dll");
            var (exitCode, output, error) = await ExternalProcess.RunAsync(
                "bash", ["-c", $"fed() {{ dotnet '{fed}' \"$@\"; }}; {command}"], TimeSpan.FromMinutes(2), workingDirectory: scratch);

            Assert.True(exitCode == 0, $"{command}\n{output}\n{error}");
            Assert.Contains($" size {treeSize} root ", output, StringComparison.Ordinal);
            Assert.Contains("Verified: the log is consistent", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>What a page must show for a row: the number (thousands separators aside) with E, F alone, or "..".</summary>
    private static string Shown(QueryRow row) => row.Status switch
    {
        CellStatus.Available => row.Value.ToString(CultureInfo.InvariantCulture),
        CellStatus.UseWithCaution => row.Value.ToString(CultureInfo.InvariantCulture) + " E",
        CellStatus.TooUnreliable => "F",
        _ => "..",
    };

    /// <summary>A table's rows below its header, cells with thousands separators (comma, space, no-break space) removed.</summary>
    private static List<string>[] Body(JsonElement rows) =>
        rows.EnumerateArray().Skip(1)
            .Select(r => r.EnumerateArray().Select(c => Normalize(c.GetString()!)).ToList())
            .ToArray();

    private static string Normalize(string cell)
    {
        var text = cell.Replace('\u00A0', ' ').Replace('\u202F', ' ');
        // "1 234 E" and "1,234" become "1234 E" and "1234": separators between digits go, the space before E stays.
        return System.Text.RegularExpressions.Regex.Replace(text, "(?<=[0-9])[ ,](?=[0-9]{3}\\b)", string.Empty);
    }
}
