using System.Globalization;
using Federation.Gateway.Serving;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// `fed privacy` checked from outside: its samples go through an independent goodness-of-fit test written in Python
/// (standard library only, GoodnessOfFit/goodness_of_fit.py: chi-square and Kolmogorov-Smirnov at significance 1e-6),
/// and the conversions print OpenDP's published values.
/// </summary>
public sealed class PrivacyCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("discrete-gaussian", "--variance", "20")]
    [InlineData("discrete-gaussian", "--variance", "4")]
    [InlineData("discrete-laplace", "--scale", "1")]
    public async Task Samples_printed_by_fed_privacy_pass_an_independent_goodness_of_fit_test(string mechanism, string option, string parameter)
    {
        var (exitCode, samples, error) = await ExternalProcess.RunFedAsync(Timeout, "privacy", "sample", "--mechanism", mechanism, option, parameter, "--count", "100000");
        Assert.True(exitCode == 0, error);

        var (fitExit, report) = await CheckAsync(samples, mechanism, parameter);

        Assert.True(fitExit == 0, $"goodness of fit rejected the samples: {report}");
    }

    [Fact]
    public async Task The_independent_check_rejects_samples_of_another_variance()
    {
        var (_, samples, _) = await ExternalProcess.RunFedAsync(Timeout, "privacy", "sample", "--mechanism", "discrete-gaussian", "--variance", "16", "--count", "100000");

        var (fitExit, report) = await CheckAsync(samples, "discrete-gaussian", "20");

        Assert.True(fitExit == 1, $"the check should reject variance 16 samples as variance 20: {report}");
    }

    [Theory]
    [InlineData("delta", "--rho", "0.05", "--epsilon", "0.25", 0.0817727531036956)]
    [InlineData("delta", "--rho", "0.5", "--epsilon", "0", 0.5588356393474351)]
    [InlineData("epsilon", "--rho", "0.03125", "--delta", "0.001", 0.6880024554878086)]
    public async Task Conversions_print_the_published_values(string command, string o1, string v1, string o2, string v2, double expected)
    {
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "privacy", command, o1, v1, o2, v2);

        Assert.True(exitCode == 0, error);
        Assert.Equal(expected, double.Parse(output.Trim(), CultureInfo.InvariantCulture), expected * 1e-14);
    }

    [Fact]
    public async Task Sampling_without_its_parameter_is_refused_with_the_option_to_give()
    {
        var (exitCode, _, error) = await ExternalProcess.RunFedAsync(Timeout, "privacy", "sample", "--mechanism", "discrete-gaussian", "--count", "3");

        Assert.Equal(2, exitCode);
        Assert.Contains("--variance is required for --mechanism discrete-gaussian", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_a_plan_without_the_document_to_write_is_refused_naming_the_option()
    {
        var (exitCode, _, error) = await ExternalProcess.RunFedAsync(Timeout, "privacy", "plan", "trafficking.victims.v1", "--write");

        Assert.Equal(2, exitCode);
        Assert.Contains("--write writes into the --document file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plan_written_into_a_dataset_document_keeps_the_catalogue_tables_adds_one_way_ones_and_costs_no_more()
    {
        var folder = Directory.CreateTempSubdirectory("federation-plan-");
        try
        {
            var before = DatasetCatalog.Default.Get("trafficking.victims.v1");
            var path = Path.Combine(folder.FullName, "trafficking.victims.v1.json");
            using (var resource = typeof(DatasetCatalog).Assembly.GetManifestResourceStream("Federation.Sdk.Catalog.Datasets.trafficking.victims.v1.json")!)
            using (var file = File.Create(path))
            {
                await resource.CopyToAsync(file);
            }

            var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "privacy", "plan", before.Id, "--document", path, "--write");
            DatasetDefinition after;
            using (var written = File.OpenRead(path))
            {
                after = DatasetDocument.Parse(written, path);
            }

            Assert.True(exitCode == 0, error);
            Assert.Contains("W2     Gender, national", output, StringComparison.Ordinal);
            Assert.Contains($"Wrote the plan into {path}.", output, StringComparison.Ordinal);
            Assert.True(after.Protection.ReleaseRho <= before.Protection.ReleaseRho, $"{after.Protection.ReleaseRho} > {before.Protection.ReleaseRho}");
            Assert.All(before.Tables, t => Assert.Equal(t.Dimensions.Select(d => d.Id), after.FindTable(t.Id)!.Dimensions.Select(d => d.Id)));
            Assert.All(before.Dimensions, d => Assert.Contains(after.Tables, t => t.Dimensions.Count == 1 && t.Dimensions[0].Id == d.Id));
            Assert.Equal(before.Workload.Select(q => q.Id), after.Workload.Select(q => q.Id));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_node_that_deletes_its_whole_state_and_changes_its_data_never_gets_more_than_the_budget_accepted()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("PE");
        var configuration = NodeConfiguration.Load(path);
        var year = configuration.ReferenceYears[^1];
        var cases = configuration.Resolve((string)configuration.Sources[0].Options!["path"]!);
        var state = configuration.Resolve(configuration.StateDirectory);
        var store = fixture.Gateway.Services.GetRequiredService<ServedStatistics>();
        var policy = DatasetCatalog.Default.Get(configuration.DatasetId).Protection;
        var first = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--once");
        Assert.True(first.ExitCode == 0, first.Error);
        var (budgetExit, budget, budgetError) = await ExternalProcess.RunFedAsync(Timeout, "node", "budget", "--data", fixture.Layout.Root, "--jurisdiction", "PE");
        Assert.True(budgetExit == 0, budgetError);
        Assert.Contains("Budget: rho 0.5 per reference year; one release costs rho 0.25.", budget, StringComparison.Ordinal);
        var accepted = new Dictionary<int, string>();
        foreach (var y in configuration.ReferenceYears)
        {
            accepted[y] = Assert.Single(await store.GetHistoryAsync(configuration.DatasetId, "PE", y, CancellationToken.None)).SubmissionId;
        }

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // What a careless or hostile operator can do: lose the ledger, outbox and receipts, change the data, run again.
            Directory.Delete(state, recursive: true);
            await File.AppendAllLinesAsync(cases, [$"PE-MORE-{attempt},Added Person,2000-01-01,{year}-07-01,Feminine,SexualExploitation,NotIndigenous,CA,,IntimatePartner,ActualVictimOfTrafficking"]);

            var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--once");

            Assert.True(exitCode != 0, $"attempt {attempt}: a changed year was accepted again\n{output}");
            var history = await store.GetHistoryAsync(configuration.DatasetId, "PE", year, CancellationToken.None);
            Assert.True(policy.ReleaseRho * new Rational(history.Count, 1) <= policy.BudgetRho, $"attempt {attempt}: the gateway holds {history.Count} releases of {year}");
            foreach (var unchanged in configuration.ReferenceYears.Where(y => y != year))
            {
                // The same counts at the same edition make the same bytes: the gateway recognises them and stores nothing new.
                var kept = Assert.Single(await store.GetHistoryAsync(configuration.DatasetId, "PE", unchanged, CancellationToken.None));
                Assert.Equal(accepted[unchanged], kept.SubmissionId);
            }
        }
    }

    private static async Task<(int ExitCode, string Report)> CheckAsync(string samples, string mechanism, string parameter)
    {
        var input = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, samples);
            var script = Path.Combine(AppContext.BaseDirectory, "GoodnessOfFit", "goodness_of_fit.py");
            var (exitCode, output, error) = await ExternalProcess.RunAsync("sh", ["-c", $"python3 '{script}' {mechanism} {parameter} < '{input}'"], Timeout);
            return (exitCode, output + error);
        }
        finally
        {
            File.Delete(input);
        }
    }
}
