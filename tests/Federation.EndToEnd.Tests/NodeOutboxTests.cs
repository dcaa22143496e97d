using System.Net;
using System.Net.Sockets;
using Federation.Cli.Commands;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;
using Microsoft.Data.Sqlite;

namespace Federation.EndToEnd.Tests;

/// <summary>A node's runs through its outbox against the demo gateway: nothing lost, nothing counted twice.</summary>
public sealed class NodeOutboxTests
{
    [Fact]
    public async Task A_run_while_the_gateway_is_unreachable_prepares_and_charges_nothing_and_the_next_run_sends_each_once()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("NS"));
        var address = configuration.Gateway.Address;
        configuration.Gateway.Address = ClosedPortAddress();

        var failure = await Assert.ThrowsAsync<GatewayUnreachableException>(() => new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None));

        Assert.Contains("cannot be reached", failure.Message, StringComparison.Ordinal);
        Assert.Empty(PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy));
        var listing = new StringWriter();
        await NodeOutboxCommand.WriteAsync(configuration, null, listing, CancellationToken.None);
        Assert.Contains("has no outbox yet", listing.ToString(), StringComparison.Ordinal);

        configuration.Gateway.Address = address;
        var report = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(configuration.ReferenceYears.Count, report.Published.Count);
        Assert.All(report.Published, p => Assert.Equal(ReleaseDelivery.SignedAndSent, p.Delivery));
        Assert.Equal(configuration.ReferenceYears.Count, await CountStoredAsync(fixture, "NS"));
    }

    [Fact]
    public async Task A_run_whose_uploads_the_gateway_cannot_take_keeps_the_releases_pending_and_the_next_run_delivers_each_once()
    {
        var outage = new UploadOutage();
        await using var fixture = await DemoFederationFixture.StartAsync(outage);
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("NS"));
        configuration.Outbox = new NodeConfiguration.OutboxSettings { AttemptsPerRun = 2, InitialBackoffSeconds = 0.01, MaxBackoffSeconds = 0.02 };

        var failure = await Assert.ThrowsAsync<OutboxDeliveryException>(() => new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None));

        var years = configuration.ReferenceYears.Count;
        Assert.Equal(years, failure.Undelivered.Count);
        Assert.All(failure.Undelivered, e => Assert.Equal(OutboxEntryState.Pending, e.State));
        Assert.Equal(2, failure.Undelivered[0].Attempts);
        Assert.StartsWith("ResourceExhausted", failure.Undelivered[0].LastError, StringComparison.Ordinal);
        var listing = new StringWriter();
        await NodeOutboxCommand.WriteAsync(configuration, null, listing, CancellationToken.None);
        Assert.Contains($"{years} pending, 0 delivered, 0 failed", listing.ToString(), StringComparison.Ordinal);

        outage.Down = false;
        var report = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(years, report.Published.Count);
        Assert.All(report.Published, p => Assert.Equal(ReleaseDelivery.Resent, p.Delivery));
        Assert.All(report.Published, p => Assert.Equal(1, p.Receipt.Revision));
        Assert.Equal(failure.Undelivered.Select(e => e.SubmissionId), report.Published.Select(p => p.Receipt.SubmissionId));
        Assert.Equal(years, await CountStoredAsync(fixture, "NS"));
        listing = new StringWriter();
        await NodeOutboxCommand.WriteAsync(configuration, OutboxEntryState.Delivered, listing, CancellationToken.None);
        Assert.Contains($"0 pending, {years} delivered, 0 failed", listing.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_stopped_after_the_gateway_accepted_resumes_on_the_next_run_and_every_release_is_stored_once()
    {
        var stall = new SubmitHold(call: 2, SubmitHoldPoint.AfterStoring);
        await using var fixture = await DemoFederationFixture.StartAsync(stall);
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("NS"));
        using var stop = new CancellationTokenSource();

        var stopped = new NodeRunner(configuration, TimeProvider.System).RunAsync(stop.Token);
        await stall.Held.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped);
        Assert.Equal(2, await CountStoredAsync(fixture, "NS"));

        var report = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        var years = configuration.ReferenceYears.Count;
        Assert.Equal(years, report.Published.Count);
        Assert.All(report.Published, p => Assert.True(p.Reused));
        Assert.Equal(Enumerable.Range(0, years).Select(i => (ulong)i), report.Published.Select(p => p.Receipt.LeafIndex).Order());
        Assert.Equal(years, await CountStoredAsync(fixture, "NS"));
        var outbox = await Outbox.OpenAsync(NodeStateLayout.Of(configuration).Root, TimeProvider.System);
        Assert.All(await outbox.ListAsync(), e => Assert.Equal(OutboxEntryState.Delivered, e.State));
        Assert.Equal(years, new ReleaseArchive(NodeStateLayout.Of(configuration).Root).LoadReceipts().Count);
    }

    [Fact]
    public async Task Directory_releases_queued_while_the_gateway_takes_no_uploads_are_delivered_by_the_next_run_without_signing_again()
    {
        var outage = new UploadOutage();
        await using var fixture = await DemoFederationFixture.StartAsync(outage);
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("PE"));
        configuration.Outbox = new NodeConfiguration.OutboxSettings { AttemptsPerRun = 1 };

        var failure = await Assert.ThrowsAsync<OutboxDeliveryException>(() => new DirectoryRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None));

        Assert.Equal(OutboxEntryKind.DirectorySnapshot, failure.Undelivered[0].Kind);
        Assert.All(failure.Undelivered, e => Assert.Equal(OutboxEntryState.Pending, e.State));
        outage.Down = false;
        var report = await new DirectoryRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        // The pending snapshot and capacity updates went first; the unchanged snapshot was not signed again.
        Assert.Null(report.SnapshotReceipt);
        Assert.Equal(0, report.ReadingsSent);
        var outbox = await Outbox.OpenAsync(NodeStateLayout.Of(configuration).Root, TimeProvider.System);
        var entries = await outbox.ListAsync();
        Assert.Equal(failure.Undelivered.Select(e => e.Id), entries.Select(e => e.Id));
        Assert.All(entries, e => Assert.Equal(OutboxEntryState.Delivered, e.State));
        Assert.Equal(1, entries[0].DirectoryReceipt!.SnapshotRevision);
    }

    internal static async Task<long> CountStoredAsync(DemoFederationFixture fixture, string jurisdiction)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Layout.GatewayDirectory, "gateway.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT leaf FROM log_entries WHERE kind = 1";
        long count = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var submission = Submission.Parser.ParseFrom(SignedEnvelope.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)).Submission);
            count += submission.Jurisdiction == jurisdiction ? 1 : 0;
        }

        return count;
    }

    /// <summary>A loopback HTTPS address nothing listens on: a gateway that cannot be reached.</summary>
    internal static string ClosedPortAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"https://127.0.0.1:{port}/";
    }
}
