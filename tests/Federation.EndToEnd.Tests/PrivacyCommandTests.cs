using System.Globalization;
using Federation.Node;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;

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
    public async Task Node_budget_shows_spent_and_remaining_and_a_second_revision_is_refused_before_signing()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("PE"));
        var year = configuration.ReferenceYears[^1];
        var cases = configuration.Resolve((string)configuration.Sources[0].Options!["path"]!);
        await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);
        for (var revision = 1; revision <= 2; revision++)
        {
            await File.AppendAllLinesAsync(cases, [$"PE-MORE-{revision},Added Person,2000-01-01,{year}-07-01,Feminine,SexualExploitation,NotIndigenous,CA,,IntimatePartner,ActualVictimOfTrafficking"]);
            if (revision == 1)
            {
                await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);
            }
        }

        var outbox = await Outbox.OpenAsync(configuration.Resolve(configuration.StateDirectory), TimeProvider.System);
        var envelopes = (await outbox.ListAsync()).Select(e => e.Envelope).ToArray();
        var refusal = await Assert.ThrowsAsync<PrivacyBudgetExceededException>(() =>
            new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None));
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "budget", "--data", fixture.Layout.Root, "--jurisdiction", "PE");

        Assert.Contains($"trafficking.victims.v1 {year}: a new release costs rho 0.25, but 0.5 of the budget 0.5 is already spent", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(envelopes, (await outbox.ListAsync()).Select(e => e.Envelope));
        Assert.True(exitCode == 0, error);
        Assert.Contains("Budget: rho 0.5 per reference year; one release costs rho 0.25.", output, StringComparison.Ordinal);
        var rows = output.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Contains(rows, r => r.StartsWith($"{year} 2 0.5 0 0 ", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith($"{year - 1} 1 0.25 0.25 1 ", StringComparison.Ordinal));
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
