using Federation.Node;
using Federation.Sdk.Publishing;

namespace Federation.EndToEnd.Tests;

/// <summary>A node that lost its state, or whose releases were refused for its identity, catches up with `fed node run`.</summary>
public sealed class NodeRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_node_whose_state_folder_was_deleted_signs_its_releases_again_and_keeps_the_gateways_first_receipts()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("NS");
        var configuration = NodeConfiguration.Load(path);
        var state = NodeOutbox.StateDirectory(configuration);
        await RunOnceAsync(path);
        var first = new ReleaseArchive(state).LoadReceipts().OrderBy(r => r.ReferenceYear).ToArray();

        Directory.Delete(state, recursive: true);
        await RunOnceAsync(path);

        // The same submission bytes under a new signature: the gateway's first receipts, checked against the log, are kept.
        var again = new ReleaseArchive(state).LoadReceipts().OrderBy(r => r.ReferenceYear).ToArray();
        Assert.Equal(first.Select(r => (r.SubmissionId, r.LeafIndex)), again.Select(r => (r.SubmissionId, r.LeafIndex)));
        Assert.Equal(configuration.ReferenceYears.Count, await NodeOutboxTests.CountStoredAsync(fixture, "NS"));
        var outbox = await Outbox.OpenAsync(state, TimeProvider.System);
        Assert.All(await outbox.ListAsync(), e => Assert.Equal(OutboxEntryState.Delivered, e.State));
    }

    private static async Task<string> RunOnceAsync(string configurationPath)
    {
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", configurationPath, "--once");
        Assert.True(exitCode == 0, $"fed node run exited {exitCode}: {error}\n{output}");
        return output;
    }
}
