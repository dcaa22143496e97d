using System.Text.Json.Nodes;
using Federation.Gateway.Identity;
using Federation.Node;
using Federation.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.EndToEnd.Tests;

/// <summary>`fed node run` and the node host against a real gateway.</summary>
public sealed class NodeRunCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Fed_node_run_once_sends_the_releases_and_keeps_the_receipts_and_a_second_run_resends_them_unchanged()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("PE");
        var configuration = NodeConfiguration.Load(path);

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--once");

        Assert.True(exitCode == 0, $"fed node run exited {exitCode}: {error}\n{output}");
        Assert.Contains("Node node-pe (PE) starting", output, StringComparison.Ordinal);
        Assert.Contains($"Statistics: {configuration.ReferenceYears.Count} release(s) signed and sent, 0 refused earlier and signed again, 0 left pending earlier and sent, 0 unchanged", output, StringComparison.Ordinal);
        Assert.Contains("Service directory: ", output, StringComparison.Ordinal);
        Assert.Contains("Run 1 finished", output, StringComparison.Ordinal);
        var receipts = Directory.GetFiles(NodeStateLayout.Of(configuration).Receipts, "*.json");
        Assert.Equal(configuration.ReferenceYears.Count, receipts.Length);

        var (againExit, again, againError) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--once");

        Assert.True(againExit == 0, $"second fed node run exited {againExit}: {againError}\n{again}");
        Assert.Contains($"Statistics: 0 release(s) signed and sent, 0 refused earlier and signed again, 0 left pending earlier and sent, {configuration.ReferenceYears.Count} unchanged and delivered earlier (not sent again)", again, StringComparison.Ordinal);
        Assert.Contains("snapshot unchanged since the last one accepted, not sent", again, StringComparison.Ordinal);
        Assert.Equal(receipts.Order(), Directory.GetFiles(NodeStateLayout.Of(configuration).Receipts, "*.json").Order());
    }

    [Fact]
    public async Task Fed_node_run_with_unusable_settings_exits_2_naming_each_before_anything_is_read_or_sent()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("PE");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        json["sources"]![0]!["adapter"] = "oracle";
        json["serviceDirectory"]!["sources"]![0]!["options"]!["path"] = "no-such-services.csv";
        json["schedule"] = new JsonObject { ["every"] = "00:00:10" };
        await File.WriteAllTextAsync(path, json.ToJsonString());

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path);

        Assert.True(exitCode == 2, $"fed node run exited {exitCode}: {error}\n{output}");
        Assert.Contains("sources[0].adapter: 'oracle' is not a known adapter of case records (csv", error, StringComparison.Ordinal);
        Assert.Contains("serviceDirectory.sources[0].options.path: ", error, StringComparison.Ordinal);
        Assert.Contains("schedule.every: '00:00:10' is shorter", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(path)!, "state")));
    }

    [Fact]
    public async Task The_node_host_keeps_running_after_a_failed_run_and_sends_when_it_retries()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var settings = new NodeHostSettings
        {
            ConfigurationPath = fixture.Layout.NodeConfiguration("PE"),
            Every = TimeSpan.FromHours(1),
            FirstRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        var startup = NodeStartup.Check(settings, TimeProvider.System);
        var cases = startup.Configuration.Resolve((string)startup.Configuration.Sources[0].Options!["path"]!);
        var good = await File.ReadAllTextAsync(cases);
        await File.WriteAllTextAsync(cases, "not,the,header\n1,2,3\n");
        using var host = NodeHost.Create(startup, settings, TimeProvider.System);
        var status = host.Services.GetRequiredService<NodeHostStatus>();

        await host.StartAsync();
        await WaitUntil(() => status.RunsFailed >= 1);
        await File.WriteAllTextAsync(cases, good);
        await WaitUntil(() => status.RunsSucceeded >= 1);

        Assert.Contains("Statistics: ", status.LastFailure, StringComparison.Ordinal);
        Assert.False(host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single().ExecuteTask!.IsCompleted);
        Assert.Equal(
            startup.Configuration.ReferenceYears.Count,
            Directory.GetFiles(NodeStateLayout.Of(startup.Configuration).Receipts, "*.json").Length);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_scheduled_node_whose_identity_is_refused_stops_itself_with_exit_code_6()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("PE");
        await using (var scope = fixture.Gateway.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RevokeClientAsync("node-pe", "laptop stolen", CancellationToken.None);
        }

        // Without --once, on an hourly schedule: a node that retried would still be running when the timeout kills it.
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--every", "01:00:00");

        Assert.True(exitCode == NodeExitCodes.IdentityRefused, $"fed node run exited {exitCode}: {error}\n{output}");
        // (Under load a first run may fail for another reason, a token request timing out, and be retried: that is the
        // rule for everything but an identity refusal, after which nothing is retried.)
        var refused = output.IndexOf("(identity-refused)", StringComparison.Ordinal);
        Assert.True(refused >= 0, output);
        Assert.Contains("The node stops: the gateway refuses its identity", output[refused..], StringComparison.Ordinal);
        Assert.False(output[refused..].Contains("Retrying at", StringComparison.Ordinal), output);
        Assert.Contains("was revoked at", error, StringComparison.Ordinal);
        Assert.Contains("laptop stolen", error, StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
