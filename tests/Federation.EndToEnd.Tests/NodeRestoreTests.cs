using Federation.Node;
using Federation.Sdk.Publishing;

namespace Federation.EndToEnd.Tests;

/// <summary>A node restored from a backup older than its last run sends again: the gateway recognises each release and the node keeps the first receipts.</summary>
public sealed class NodeRestoreTests
{
    [Fact]
    public async Task A_node_that_lost_the_state_of_its_last_run_sends_again_and_keeps_the_receipts_of_the_releases_logged_then()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("NS"));
        var state = NodeStateLayout.Of(configuration).Root;
        var first = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        // The backup predates that run: the outbox, ledger and receipts are gone; the keys are kept.
        Directory.Delete(state, recursive: true);
        var again = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.NotEmpty(first.Published);
        Assert.Equal(
            first.Published.Select(p => (p.Receipt.SubmissionId, p.Receipt.LeafIndex)),
            again.Published.Select(p => (p.Receipt.SubmissionId, p.Receipt.LeafIndex)));
        var outbox = await Outbox.OpenAsync(state, TimeProvider.System);
        Assert.All(await outbox.ListAsync(), e => Assert.Equal(OutboxEntryState.Delivered, e.State));
        Assert.Equal(first.Published.Count, new ReleaseArchive(state).LoadReceipts().Count);
    }
}
