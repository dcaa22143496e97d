using System.Text.Json;
using Federation.Node;
using Federation.Sdk.Catalog;

namespace Federation.EndToEnd.Tests;

public sealed class CommandLineTests(OntarioReportedFixture demo) : IClassFixture<OntarioReportedFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Fed_demo_once_prints_national_figures_and_all_13_jurisdictions()
    {
        var data = Path.Combine(Path.GetTempPath(), "federation-e2e", Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "demo", "--once", "--data", data);

            Assert.True(exitCode == 0, $"fed demo exited {exitCode}: {error}\n{output}");
            Assert.Contains("National figures", output, StringComparison.Ordinal);
            Assert.Contains("exact discrete Gaussian noise", output, StringComparison.Ordinal);
            // The national total's 95% margin with 13 jurisdictions at noise variance 4: the exact integer quantile, 14.
            Assert.Contains("±14", output, StringComparison.Ordinal);
            foreach (var jurisdiction in Jurisdiction.All)
            {
                Assert.Contains(Jurisdiction.NameOf(jurisdiction), output, StringComparison.Ordinal);
            }

            Assert.Contains("Completeness: 6 of 6 years have all 13 jurisdictions reporting.", output, StringComparison.Ordinal);
            foreach (var jurisdiction in Jurisdiction.All)
            {
                Assert.Empty(NodeConfiguration.Load(Path.Combine(data, "nodes", jurisdiction, "node.json")).Validate());
            }

            // The demo's node configurations work with preview and validate: every year was sent, so all are re-sent unchanged.
            var ontario = Path.Combine(data, "nodes", "ON", "node.json");
            Assert.Contains($"fed node preview --config {ontario}", output, StringComparison.Ordinal);
            var (previewExit, preview, previewError) = await ExternalProcess.RunFedAsync(Timeout, "node", "preview", "--config", ontario, "--format", "json");
            Assert.True(previewExit == 0, previewError);
            using var previews = JsonDocument.Parse(preview);
            // One preview per dataset: victims identified, then court cases (fiscal years).
            Assert.Equal(["trafficking.victims.v1", "trafficking.prosecutions.v1"], previews.RootElement.EnumerateArray().Select(p => p.GetProperty("datasetId").GetString()));
            Assert.All(previews.RootElement.EnumerateArray(), releases =>
            {
                Assert.Equal(6, releases.GetProperty("releases").GetArrayLength());
                Assert.All(releases.GetProperty("releases").EnumerateArray(), r => Assert.Equal(("unchanged", "0"), (r.GetProperty("status").GetString(), r.GetProperty("budget").GetProperty("costRho").GetString())));
            });
            var (validateExit, quarantined, validateError) = await ExternalProcess.RunFedAsync(Timeout, "node", "validate", "--config", ontario, "--format", "csv");
            Assert.True(validateExit == 3, validateError);
            Assert.Contains("cases,cases.csv line ", quarantined, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Fed_query_with_data_finds_the_running_gateway_and_prints_csv()
    {
        var fixture = demo.Federation;

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(
            Timeout, "query", "--data", fixture.Layout.Root, "--group-by", "gender", "--year", "2024", "--format", "csv");

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            "reference_year,reference_period,jurisdiction,gender,value,status,contributing_jurisdictions,missing_jurisdictions,variance,margin_95,lower_95,upper_95,"
            + "revised,preliminary,dataset_id,table_id,publication,tree_size,root_hash,log_key_id,computed_at",
            lines[0]);
        Assert.Equal(5, lines.Length);
        var header = lines[0].Split(',');
        var woman = lines[1].Split(',');
        string Column(string name) => woman[Array.IndexOf(header, name)];
        Assert.Equal(("2024", "WOMAN_GIRL"), (Column("reference_year"), Column("gender")));
        // By gender: the least-squares estimate from every table of Ontario's release, tighter than T1's five cells
        // alone (variance 100); the 95% margin is 1.96 standard deviations, and the bounds are value -/+ margin.
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var variance = double.Parse(Column("variance"), inv);
        Assert.InRange(variance, 1, 99.999);
        var margin = double.Parse(Column("margin_95"), inv);
        Assert.Equal(Math.Round(1.96 * Math.Sqrt(variance), 2), margin, 2);
        var value = long.Parse(Column("value"), inv);
        Assert.Equal(Math.Max(0, Math.Round(value - margin, 2)), double.Parse(Column("lower_95"), inv), 2);
        Assert.Equal(Math.Round(value + margin, 2), double.Parse(Column("upper_95"), inv), 2);
        Assert.Equal(("trafficking.victims.v1", "T1", "false"), (Column("dataset_id"), Column("table_id"), Column("publication")));
        Assert.Equal(32, Convert.FromBase64String(Column("root_hash")).Length);
        Assert.Matches("^[0-9a-f]{8}$", Column("log_key_id"));
    }

    [Fact]
    public async Task Fed_datasets_shows_each_table_mechanism_parameter_and_rho()
    {
        var fixture = demo.Federation;

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "datasets", "trafficking.victims.v1", "--data", fixture.Layout.Root);

        Assert.True(exitCode == 0, error);
        Assert.Contains("one release costs rho 0.25, budget rho 0.5 per node and reference year", output, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("T0", StringComparison.Ordinal) && l.Contains("discrete Gaussian, variance 4", StringComparison.Ordinal) && l.Contains("0.125", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("T5", StringComparison.Ordinal) && l.Contains("discrete Gaussian, variance 20", StringComparison.Ordinal) && l.Contains("0.025", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fed_query_json_output_has_provenance_and_numbers_as_numbers()
    {
        var fixture = demo.Federation;

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "query", "--data", fixture.Layout.Root, "--format", "json");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("T0", json.RootElement.GetProperty("table_id").GetString());
        Assert.True(json.RootElement.GetProperty("tree_size").GetInt64() > 0);
        var rows = json.RootElement.GetProperty("rows");
        Assert.Equal(6, rows.GetArrayLength());
        Assert.All(rows.EnumerateArray(), r => Assert.Equal(JsonValueKind.Number, r.GetProperty("value").ValueKind));

        // The court dataset's years are fiscal years: the gateway's catalogue says so, and the table's year column says
        // "fiscal year" (the fixture's node has released no court cases yet; QueryResultWriterTests checks the labels).
        var (courtExit, court, courtError) = await ExternalProcess.RunFedAsync(
            Timeout, "query", "--data", fixture.Layout.Root, "--dataset", "trafficking.prosecutions.v1", "--group-by", "decision");
        Assert.True(courtExit == 0, courtError);
        Assert.StartsWith("fiscal year  decision", court, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fed_query_that_no_table_covers_prints_the_refusal_and_the_tables()
    {
        var fixture = demo.Federation;

        var (exitCode, _, error) = await ExternalProcess.RunFedAsync(
            Timeout, "query", "--data", fixture.Layout.Root, "--group-by", "gender,exploitation_type");

        Assert.Equal(1, exitCode);
        Assert.Contains("InvalidArgument", error, StringComparison.Ordinal);
        Assert.Contains("T5 (recruiter_relationship x age_group)", error, StringComparison.Ordinal);
    }
}
