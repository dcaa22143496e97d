using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Node;
using Federation.Node.Adapters;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// The SDK's sample adapter (sdk/samples/Federation.Samples.JsonLinesAdapter) as the adapter authors' guide deploys it:
/// its build output dropped into a node's plugins folder, named by node.json, and used by `fed node validate`,
/// `fed node preview` and `fed node run` as processes. Neither fed nor these tests reference the sample's assembly.
/// </summary>
public sealed class SamplePluginCommandTests
{
    private const string SampleAssembly = "Federation.Samples.JsonLinesAdapter";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The sample's build output, copied next to the tests by the test project (not referenced by it).</summary>
    private static string BuiltSample => Path.Combine(AppContext.BaseDirectory, "sample-plugins", "jsonl");

    [Fact]
    public void The_sample_reaches_fed_only_as_a_plugin_and_ships_none_of_the_nodes_assemblies()
    {
        var shipped = Directory.GetFiles(BuiltSample).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal([$"{SampleAssembly}.deps.json", $"{SampleAssembly}.dll", $"{SampleAssembly}.pdb", $"{SampleAssembly}.xml"], shipped);
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, $"{SampleAssembly}.dll")));
        Assert.DoesNotContain(SampleAssembly, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fed.deps.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_reads_a_json_lines_export_through_the_sample_plugin_in_validate_preview_and_run()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("NS");
        var years = NodeConfiguration.Load(path).ReferenceYears;
        var folder = Path.GetDirectoryName(path)!;
        InstallSample(folder);
        var export = Path.Combine(folder, "exports", "cases.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(export)!);
        var lines = years.SelectMany(year => Enumerable.Range(1, 15).Select(i => Victim($"NS-{year}-{i:000}", year, i))).ToList();
        var firstPlanted = lines.Count + 1;
        lines.Add("""{"caseId":"NS-BAD-1","identificationDate":"31/12/2024","traffickingStatus":"ActualVictimOfTrafficking"}""");
        lines.Add("""{"caseId":"NS-BAD-2",""");
        await File.WriteAllLinesAsync(export, lines);
        await ConfigureSampleSourceAsync(path, new JsonObject { ["path"] = "exports/cases.jsonl" });

        var (validateExit, validate, validateError) = await ExternalProcess.RunFedAsync(Timeout, "node", "validate", "--config", path, "--format", "json");

        Assert.True(validateExit == 3, $"fed node validate exited {validateExit}: {validateError}\n{validate}");
        using (var report = JsonDocument.Parse(validate))
        {
            var records = report.RootElement.GetProperty("records");
            Assert.Equal((lines.Count, lines.Count - 2, 2), (records.GetProperty("read").GetInt32(), records.GetProperty("accepted").GetInt32(), records.GetProperty("quarantined").GetInt32()));
            var quarantined = report.RootElement.GetProperty("quarantined").EnumerateArray()
                .Select(q => (q.GetProperty("location").GetString(), q.GetProperty("reason").GetString()!)).ToArray();
            Assert.Equal($"cases.jsonl line {firstPlanted}", quarantined[0].Item1);
            Assert.Contains("identificationDate is not a date in yyyy-MM-dd form", quarantined[0].Item2, StringComparison.Ordinal);
            Assert.Equal($"cases.jsonl line {firstPlanted + 1}", quarantined[1].Item1);
            Assert.Contains("the line is not valid JSON", quarantined[1].Item2, StringComparison.Ordinal);
        }

        var (previewExit, preview, previewError) = await ExternalProcess.RunFedAsync(Timeout, "node", "preview", "--config", path, "--format", "json");

        Assert.True(previewExit == 0, $"fed node preview exited {previewExit}: {previewError}\n{preview}");
        string[] previewed;
        using (var document = JsonDocument.Parse(preview))
        {
            Assert.False(document.RootElement.GetProperty("sent").GetBoolean());
            Assert.Equal(lines.Count - 2, document.RootElement.GetProperty("records").GetProperty("accepted").GetInt32());
            var releases = document.RootElement.GetProperty("releases").EnumerateArray().ToArray();
            Assert.Equal(years, releases.Select(r => r.GetProperty("referenceYear").GetInt32()));
            previewed = releases.Select(r => r.GetProperty("submissionId").GetString()!).ToArray();
        }

        var (runExit, run, runError) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--once");

        Assert.True(runExit == 0, $"fed node run exited {runExit}: {runError}\n{run}");
        Assert.Contains("case records from cases (adapter 'jsonl', plug-in '", run, StringComparison.Ordinal);
        Assert.Contains($"Statistics: read {lines.Count} records: {lines.Count - 2} accepted", run, StringComparison.Ordinal);
        Assert.Contains($"Statistics: {years.Count} release(s) signed and sent", run, StringComparison.Ordinal);
        foreach (var submissionId in previewed)
        {
            Assert.Contains(submissionId[..8], run, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_bad_option_of_the_plugin_exits_2_naming_the_setting()
    {
        var folder = Directory.CreateTempSubdirectory("federation-sample-plugin-");
        try
        {
            foreach (var file in new[] { "root.pem", "log.pub", "node.pem", "node.key" })
            {
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, file), "x");
            }

            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "rounding.key"), RandomNumberGenerator.GetBytes(32));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "cases.jsonl"), Victim("NS-1", 2024, 1) + "\n");
            InstallSample(folder.FullName);
            var path = Path.Combine(folder.FullName, "node.json");
            var pins = JsonSerializer.Serialize(PluginPins.Compute(Path.Combine(folder.FullName, "plugins")));
            await File.WriteAllTextAsync(path, $$"""
                {
                  "jurisdiction": "NS",
                  "nodeId": "node-ns",
                  "datasetId": "trafficking.victims.v1",
                  "gateway": { "address": "https://127.0.0.1:7443/", "trustRoot": "root.pem", "logVerifierKey": "log.pub" },
                  "signing": { "certificate": "node.pem", "privateKey": "node.key" },
                  "protection": { "keyFile": "rounding.key" },
                  "referenceYears": [2024],
                  "plugins": "plugins",
                  "pluginSha256": {{pins}},
                  "sources": [ { "name": "intake", "adapter": "jsonl", "options": { "path": "cases.jsonl", "dateFormat": "MM/yyyy", "datefmt": "x" } } ]
                }
                """);

            var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "validate", "--config", path);

            Assert.True(exitCode == 2, $"fed node validate exited {exitCode}: {error}\n{output}");
            Assert.Contains("sources[0].options.datefmt: is not an option", error, StringComparison.Ordinal);
            Assert.Contains("sources[0].options.dateFormat: 'MM/yyyy' does not give a date's day, month and year", error, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void InstallSample(string nodeFolder)
    {
        var target = Directory.CreateDirectory(Path.Combine(nodeFolder, "plugins", "jsonl")).FullName;
        foreach (var file in Directory.GetFiles(BuiltSample))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    private static async Task ConfigureSampleSourceAsync(string path, JsonObject options)
    {
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        json["plugins"] = "plugins";
        json["pluginSha256"] = JsonSerializer.SerializeToNode(PluginPins.Compute(Path.Combine(Path.GetDirectoryName(path)!, "plugins")));
        json["sources"] = new JsonArray(new JsonObject { ["name"] = "cases", ["adapter"] = "jsonl", ["options"] = options });
        await File.WriteAllTextAsync(path, json.ToJsonString());
    }

    // A victim as a case-management system exports one, varied enough to fill several cells.
    private static string Victim(string caseId, int year, int i)
    {
        string[] genders = ["Feminine", "Masculine", "TransgenderFeminine"];
        string[] exploitation = ["SexualExploitation", "ForcedLabour"];
        var identified = new DateOnly(year, 1 + (i % 12), 1 + (i % 28));
        var born = identified.AddYears(-(16 + (i % 30)));
        return JsonSerializer.Serialize(new
        {
            caseId,
            identificationDate = identified.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            traffickingStatus = "ActualVictimOfTrafficking",
            person = new
            {
                name = $"Person {caseId}",
                birthDate = born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                gender = genders[i % genders.Length],
                indigenousIdentity = "NotIndigenous",
                citizenship = new[] { "CA" },
                residenceStatus = "Citizen",
            },
            exploitationTypes = new[] { exploitation[i % exploitation.Length] },
            relationshipToTrafficker = "Acquainted",
        });
    }
}
