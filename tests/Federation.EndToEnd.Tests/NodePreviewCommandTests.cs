using System.Security.Cryptography;
using System.Text.Json;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;
using Federation.Sdk.Trust;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// `fed node preview` and `fed node validate` run as processes on the development federation's node configurations:
/// a preview sends and spends nothing, the next run sends exactly the release it showed, and deleting the node's state
/// cannot change it.
/// </summary>
public sealed class NodePreviewCommandTests
{
    private const string DatasetId = "trafficking.victims.v1";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Preview_sends_and_spends_nothing_and_the_next_run_sends_exactly_the_previewed_release()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("ON");
        var configuration = NodeConfiguration.Load(path);
        var state = configuration.Resolve(configuration.StateDirectory);
        using var channel = GatewayChannel.Create(fixture.Address, FederationTrust.FromPemFile(fixture.Layout.RootCertificate), tokens: fixture.Analyst);
        var logBefore = await LogTreeAsync(channel);

        var first = await PreviewAsync(path);
        var second = await PreviewAsync(path);

        Assert.Equal(logBefore, await LogTreeAsync(channel));
        Assert.Empty(await StoredCellsAsync(channel, 2024));
        Assert.Empty(PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy));
        Assert.False(Directory.Exists(Path.Combine(state, "releases")) && Directory.EnumerateFiles(Path.Combine(state, "releases")).Any());
        Assert.Equal(configuration.ReferenceYears, first.Select(r => r.Year));
        // The demo's years are all past their second (last) edition on the catalogue's calendar.
        Assert.All(first, r => Assert.Equal(("first-release", 2, "0", "0.25", "0.25", false), (r.Status, r.Edition, r.Spent, r.Cost, r.Remaining, r.Refused)));
        Assert.Equal(first.Select(r => (r.SubmissionId, r.CellsText)), second.Select(r => (r.SubmissionId, r.CellsText)));

        var run = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        var outbox = (await Outbox.OpenExistingAsync(state, TimeProvider.System))!;
        Assert.Equal(first.Select(r => r.SubmissionId), run.Published.Select(p => p.Receipt.SubmissionId));
        foreach (var previewed in first)
        {
            var envelope = (await outbox.FindLatestAsync(OutboxEntryKind.Statistics, DatasetId, previewed.Year))!.Envelope;
            Assert.Equal(previewed.SubmissionId, Convert.ToHexStringLower(SHA256.HashData(envelope.Submission.Span)));
            Assert.Equal(previewed.CellsText, PreviewedRelease.Text(CellsOf(Submission.Parser.ParseFrom(envelope.Submission))));
        }

        var stored = await StoredCellsAsync(channel, 2024);
        var previewed2024 = first.Single(r => r.Year == 2024).Cells;
        Assert.Equal(20, stored.Count);
        // The gateway answers each cell with the least-squares estimate from every table of the release: recomputed here
        // from the previewed cells, it gives the stored figures.
        var fit = ReleaseFit.Of(
            DatasetCatalog.Default.Get(DatasetId),
            previewed2024.Select(c => (c.Key.Split(' ')[0], (IReadOnlyList<string>)c.Key.Split(' ')[1..], c.Value)))!;
        Assert.All(stored, cell =>
        {
            var codes = cell.Key.Split(' ');
            var expected = fit.Estimate(new Dictionary<string, string> { ["gender"] = codes[0], ["age_group"] = codes[1] })!.Value;
            Assert.Equal((long)Math.Round(expected, MidpointRounding.AwayFromZero), cell.Value);
        });
        var ledger = PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy);
        Assert.Equal(first.Select(r => r.SubmissionId), ledger.Select(e => e.SubmissionId));
        Assert.All(ledger, e => Assert.Equal(new Rational(1, 4), e.Rho));

        var after = await PreviewAsync(path);

        Assert.All(after, r => Assert.Equal(("unchanged", 2, "0.25", "0", "0.25"), (r.Status, r.Edition, r.Spent, r.Cost, r.Remaining)));
        Assert.Equal(first.Select(r => (r.SubmissionId, r.CellsText)), after.Select(r => (r.SubmissionId, r.CellsText)));
    }

    [Fact]
    public async Task A_changed_year_waits_for_the_next_edition_and_a_deleted_state_folder_gives_the_same_release()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("YT");
        var configuration = NodeConfiguration.Load(path);
        var year = configuration.ReferenceYears[^1];
        var cases = configuration.Resolve((string)configuration.Sources[0].Options!["path"]!);
        var original = await File.ReadAllTextAsync(cases);
        var first = await PreviewAsync(path);
        await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        await File.AppendAllLinesAsync(cases, [$"YT-MORE-1,Added Person,2000-01-01,{year}-07-01,Feminine,SexualExploitation,NotIndigenous,CA,,IntimatePartner,ActualVictimOfTrafficking"]);
        var changed = await PreviewAsync(path);
        await File.WriteAllTextAsync(cases, original);
        Directory.Delete(configuration.Resolve(configuration.StateDirectory), recursive: true);
        var afterDeletion = await PreviewAsync(path);

        var held = changed.Single(r => r.Year == year);
        Assert.Equal(("held-until-next-edition", 2, "0", false), (held.Status, held.Edition, held.Cost, held.Refused));
        Assert.Equal(first.Single(r => r.Year == year).SubmissionId, held.SubmissionId);
        Assert.All(afterDeletion, r => Assert.Equal(("first-release", "0"), (r.Status, r.Spent)));
        Assert.Equal(first.Select(r => (r.SubmissionId, r.CellsText)), afterDeletion.Select(r => (r.SubmissionId, r.CellsText)));
    }

    [Fact]
    public async Task Validate_lists_every_planted_bad_record_with_its_location_and_reason_and_exits_3()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("PE");
        var configuration = NodeConfiguration.Load(path);
        var cases = configuration.Resolve((string)configuration.Sources[0].Options!["path"]!);
        var firstPlanted = File.ReadAllLines(cases).Length + 1;
        await File.AppendAllLinesAsync(cases,
        [
            "PE-BAD-1,Ann Example,2000-01-01,2023-07-01,Feminin,SexualExploitation,NotIndigenous,CA,,IntimatePartner,ActualVictimOfTrafficking",
            "PE-BAD-2,Bea Example,2023-09-01,2023-07-01,Feminine,SexualExploitation,NotIndigenous,CA,,IntimatePartner,ActualVictimOfTrafficking",
            "PE-BAD-3,Cy Example,2000-01-01,,Masculine,ForcedLabour,NotIndigenous,CA,,Stranger,ActualVictimOfTrafficking",
        ]);

        var (exitCode, csv, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "validate", "--config", path, "--format", "csv");
        var (jsonExit, json, _) = await ExternalProcess.RunFedAsync(Timeout, "node", "validate", "--config", path, "--format", "json");

        Assert.True(exitCode == 3, $"exit {exitCode}: {error}");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("source,location,id,reason", lines[0]);
        Assert.Contains($"cases,cases.csv line {firstPlanted},PE-BAD-1,\"Gender is not a known value", csv, StringComparison.Ordinal);
        Assert.Contains($"cases,cases.csv line {firstPlanted + 1},PE-BAD-2,BirthDate is after IdentificationDate", lines);
        Assert.Contains(lines, l => l.StartsWith($"cases,cases.csv line {firstPlanted + 2},PE-BAD-3,", StringComparison.Ordinal) && l.Contains("IdentificationDate is missing", StringComparison.Ordinal));
        Assert.Equal(3, jsonExit);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var quarantined = root.GetProperty("records").GetProperty("quarantined").GetInt32();
        Assert.Equal(quarantined, root.GetProperty("quarantined").EnumerateArray().Count(q => q.GetProperty("source").GetString() == "cases"));
        Assert.Equal(quarantined + root.GetProperty("serviceDirectory").GetProperty("quarantined").GetInt32(), lines.Length - 1);
        var reasons = root.GetProperty("byReason").EnumerateArray().ToDictionary(
            g => (g.GetProperty("source").GetString(), g.GetProperty("reason").GetString()), g => g.GetProperty("records").GetInt32());
        Assert.True(reasons[("cases", "BirthDate is after IdentificationDate")] >= 1);
        Assert.True(reasons[("cases", "IdentificationDate is missing")] >= 1);
        Assert.Empty(PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy));
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("preview")]
    public async Task Configuration_errors_exit_2_and_name_the_setting(string command)
    {
        var folder = Directory.CreateTempSubdirectory("federation-node-config-");
        try
        {
            var path = Path.Combine(folder.FullName, "node.json");
            await File.WriteAllTextAsync(path, """
                {
                  "jurisdiction": "XX",
                  "nodeId": "node-xx",
                  "datasetId": "trafficking.victims.v1",
                  "gateway": { "address": "https://127.0.0.1:7443/", "trustRoot": "root.pem", "logVerifierKey": "log.pub" },
                  "signing": { "certificate": "node.pem", "privateKey": "node.key" },
                  "protection": { "keyFile": "protection.key" },
                  "sources": [ { "adapter": "csv", "options": { "path": "cases.csv" } } ]
                }
                """);
            var (exitCode, _, error) = await ExternalProcess.RunFedAsync(Timeout, "node", command, "--config", path);
            await File.WriteAllTextAsync(path, """{ "jurisdicton": "ON" }""");
            var (misspeltExit, _, misspelt) = await ExternalProcess.RunFedAsync(Timeout, "node", command, "--config", path);
            var (missingExit, _, missing) = await ExternalProcess.RunFedAsync(Timeout, "node", command, "--config", Path.Combine(folder.FullName, "absent.json"));

            Assert.Equal(2, exitCode);
            Assert.Contains("jurisdiction: 'XX' is not one of", error, StringComparison.Ordinal);
            Assert.Contains($"protection.keyFile: file '{Path.Combine(folder.FullName, "protection.key")}' does not exist", error, StringComparison.Ordinal);
            Assert.Contains("sources[0].options.path: file", error, StringComparison.Ordinal);
            Assert.Equal(2, misspeltExit);
            Assert.Contains("jurisdicton", misspelt, StringComparison.Ordinal);
            Assert.Equal(2, missingExit);
            Assert.Contains("absent.json' does not exist", missing, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<IReadOnlyList<PreviewedRelease>> PreviewAsync(string configuration)
    {
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "preview", "--config", configuration, "--format", "json");
        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        using var document = JsonDocument.Parse(output);
        // One document for a node of one dataset; an array of one per dataset otherwise: these tests follow the victims'.
        var victims = document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.EnumerateArray().Single(d => d.GetProperty("datasetId").GetString() == "trafficking.victims.v1")
            : document.RootElement;
        Assert.False(victims.GetProperty("sent").GetBoolean());
        return victims.GetProperty("releases").EnumerateArray().Select(r =>
        {
            var budget = r.GetProperty("budget");
            var cells = r.GetProperty("tables").EnumerateArray().SelectMany(t => t.GetProperty("cells").EnumerateArray().Select(c => (
                Key: string.Join(' ', new[] { t.GetProperty("tableId").GetString()! }.Concat(c.GetProperty("codes").EnumerateArray().Select(code => code.GetString()!))),
                Value: c.GetProperty("value").GetInt64())));
            return new PreviewedRelease(
                r.GetProperty("referenceYear").GetInt32(),
                r.GetProperty("status").GetString()!,
                r.GetProperty("edition").GetInt32(),
                r.GetProperty("submissionId").GetString()!,
                budget.GetProperty("spentRho").GetString()!,
                budget.GetProperty("costRho").GetString()!,
                budget.GetProperty("remainingRho").GetString()!,
                budget.GetProperty("refused").GetBoolean(),
                new SortedDictionary<string, long>(cells.ToDictionary(c => c.Key, c => c.Value), StringComparer.Ordinal));
        }).ToArray();
    }

    private static SortedDictionary<string, long> CellsOf(Submission submission) => new(
        submission.Tables.SelectMany(t => t.Cells.Select(c => (Key: string.Join(' ', new[] { t.TableId }.Concat(c.Codes)), c.Value)))
            .ToDictionary(c => c.Key, c => c.Value),
        StringComparer.Ordinal);

    // What the gateway stores for Ontario in T1 (gender x age group), cell by cell.
    private static async Task<Dictionary<string, long>> StoredCellsAsync(Grpc.Net.Client.GrpcChannel channel, int year)
    {
        var response = await new QueryService.QueryServiceClient(channel).QueryAsync(
            new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender", "age_group" }, Years = { year }, Jurisdictions = { "ON" }, ByJurisdiction = true },
            deadline: DateTime.UtcNow.AddSeconds(30));
        return response.Rows.Where(r => r.Status != CellStatus.NotAvailable).ToDictionary(r => string.Join(' ', r.Codes), r => r.Value);
    }

    // The log's size and root: the checkpoint's second and third lines.
    private static async Task<string> LogTreeAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        var response = await new TransparencyLogService.TransparencyLogServiceClient(channel).GetCheckpointAsync(new GetCheckpointRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        return string.Join('\n', response.Checkpoint.Split('\n').Skip(1).Take(2));
    }

    private sealed record PreviewedRelease(
        int Year, string Status, int Edition, string SubmissionId, string Spent, string Cost, string Remaining, bool Refused, SortedDictionary<string, long> Cells)
    {
        public string CellsText => Text(Cells);

        public static string Text(SortedDictionary<string, long> cells) => string.Join("; ", cells.Select(c => $"{c.Key}={c.Value}"));
    }
}
