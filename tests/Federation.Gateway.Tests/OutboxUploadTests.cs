using System.Net;
using System.Net.Sockets;
using Federation.Contracts.V1;
using Federation.Sdk.Client;
using Federation.Sdk.Publishing;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>The node's outbox against a real gateway: queued before upload, sent at least once, counted once.</summary>
public sealed class OutboxUploadTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task A_release_queued_while_the_gateway_is_unreachable_stays_pending_and_the_next_run_delivers_it_once()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var state = Path.Combine(gateway.Federation.Directory, "node-state");
        var release = TestSubmissions.Complete("NS", LastYear, total: 30);
        using (var unreachable = GatewayChannel.Create(ClosedPortAddress(), gateway.Federation.Trust, new GatewayRetryPolicy(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5))))
        {
            var offline = await TestNodeOutbox.OpenAsync(gateway, "NS", unreachable, state);

            var failure = await Assert.ThrowsAsync<OutboxDeliveryException>(() => offline.Publisher.PublishAsync(release));

            var pending = Assert.Single(failure.Undelivered);
            Assert.Equal(OutboxEntryState.Pending, pending.State);
            Assert.Equal(TestNodeOutbox.Quick.AttemptsPerRun, pending.Attempts);
            Assert.StartsWith("Unavailable", pending.LastError, StringComparison.Ordinal);
            Assert.Equal(pending.Id, Assert.Single(await offline.Outbox.ListAsync(OutboxEntryState.Pending)).Id);
        }

        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("NS"));
        var online = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, state);
        var drained = await online.Uploader.DrainAsync();
        // The next run prepares the same content again (a later production time): the pending envelope is reused, not signed again.
        var again = await online.Publisher.PublishAsync(TestSubmissions.Complete("NS", LastYear, total: 30, producedAt: DateTimeOffset.UtcNow));

        var delivered = Assert.Single(drained.Delivered);
        Assert.Empty(drained.StillPending);
        Assert.Equal(TestNodeOutbox.Quick.AttemptsPerRun + 1, delivered.Attempts);
        Assert.True(again.Reused);
        Assert.Equal(delivered.SubmissionId, again.Receipt.SubmissionId);
        Assert.Equal((long)again.Receipt.LeafIndex, delivered.Receipt!.LeafIndex);
        Assert.Single(await online.Outbox.ListAsync());
        Assert.Equal(delivered.SubmissionId, Assert.Single(online.Archive.LoadReceipts()).SubmissionId);
        Assert.Equal((1L, 1L), await CountStoredAsync(gateway));
    }

    [Fact]
    public async Task A_node_stopped_after_the_gateway_accepted_resends_the_same_envelope_and_every_release_is_stored_once()
    {
        var lost = new LoseSecondSubmitResponse();
        await using var gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
        {
            builder.Services.AddSingleton(lost);
            builder.Services.AddGrpc(options => options.Interceptors.Add<LoseSecondSubmitResponse>());
        });
        var state = Path.Combine(gateway.Federation.Directory, "node-state");
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("NS"));
        var first = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, state);
        var queued = new List<OutboxEntry>();
        foreach (var year in new[] { LastYear - 2, LastYear - 1, LastYear })
        {
            queued.Add((await first.Publisher.QueueAsync(TestSubmissions.Complete("NS", year, total: 20 + year % 7))).Entry);
        }

        using var stop = new CancellationTokenSource();
        var run = first.Uploader.DrainAsync(stop.Token);
        await lost.SecondAppended.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.Equal(
            [OutboxEntryState.Delivered, OutboxEntryState.Pending, OutboxEntryState.Pending],
            (await first.Outbox.ListAsync()).Select(e => e.State));
        Assert.Equal((2L, 2L), await CountStoredAsync(gateway));

        var second = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, state);
        var resumed = await second.Uploader.DrainAsync();

        Assert.Equal(queued.Skip(1).Select(e => e.Id), resumed.Delivered.Select(e => e.Id));
        var entries = await second.Outbox.ListAsync();
        Assert.All(entries, e => Assert.Equal(OutboxEntryState.Delivered, e.State));
        // The re-sent envelope got the receipt the gateway gave when it first appended it: leaf 1, revision 1.
        Assert.Equal([0L, 1L, 2L], entries.Select(e => e.Receipt!.LeafIndex!.Value));
        Assert.All(entries, e => Assert.Equal(1, e.StatisticsReceipt!.Revision));
        Assert.Equal(queued.Select(e => e.SubmissionId).Order(), second.Archive.LoadReceipts().Select(r => r.SubmissionId).Order());
        Assert.Equal((3L, 3L), await CountStoredAsync(gateway));
        Assert.Equal(4, lost.Calls);
    }

    [Fact]
    public async Task A_refused_release_is_marked_failed_with_the_gateways_reason_and_the_others_are_still_sent()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("NS"));
        var node = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, Path.Combine(gateway.Federation.Directory, "node-state"));
        Submission[] releases =
        [
            TestSubmissions.Complete("NS", LastYear - 2),
            // Signed by the node of NS but for New Brunswick: the gateway refuses it for good.
            TestSubmissions.Complete("NB", LastYear - 1),
            TestSubmissions.Complete("NS", LastYear),
        ];

        var failure = await Assert.ThrowsAsync<OutboxDeliveryException>(() => node.Publisher.PublishAsync(releases));

        var refused = Assert.Single(failure.Undelivered);
        Assert.Equal(LastYear - 1, refused.ReferenceYear);
        Assert.Equal(OutboxEntryState.Failed, refused.State);
        Assert.Equal(1, refused.Attempts);
        Assert.StartsWith("PermissionDenied:", refused.LastError, StringComparison.Ordinal);
        Assert.Contains("refused by the gateway", failure.Message, StringComparison.Ordinal);
        var entries = await node.Outbox.ListAsync();
        Assert.Equal([OutboxEntryState.Delivered, OutboxEntryState.Failed, OutboxEntryState.Delivered], entries.Select(e => e.State));
        Assert.Equal((2L, 2L), await CountStoredAsync(gateway));

        // A refused envelope is never sent again: the next run finds nothing pending.
        var next = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, Path.Combine(gateway.Federation.Directory, "node-state"));
        var drained = await next.Uploader.DrainAsync();
        Assert.Empty(drained.Delivered);
        Assert.Empty(drained.Refused);
        Assert.Equal(OutboxEntryState.Failed, (await next.Outbox.FindAsync(refused.Id))!.State);
    }

    /// <summary>Stored submissions and transparency log leaves at the gateway.</summary>
    private static async Task<(long Submissions, long Leaves)> CountStoredAsync(GatewayFixture gateway)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(gateway.Federation.Directory, "gateway.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM log_entries WHERE kind = 1), (SELECT COUNT(*) FROM log_subtrees WHERE level = 0)";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>An https address on loopback where nothing listens.</summary>
    private static Uri ClosedPortAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"https://127.0.0.1:{port}/");
    }

    /// <summary>
    /// Lets the gateway append the second submission it is sent, then never answers: the node is stopped between
    /// "gateway accepted" and "receipt stored", as a killed process would be.
    /// </summary>
    private sealed class LoseSecondSubmitResponse : Interceptor
    {
        private int _calls;

        public TaskCompletionSource SecondAppended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => _calls;

        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request,
            ServerCallContext context,
            UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is not SubmitRequest || Interlocked.Increment(ref _calls) != 2)
            {
                return await continuation(request, context);
            }

            await continuation(request, context);
            SecondAppended.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            throw new RpcException(new Status(StatusCode.Cancelled, "The node stopped waiting."));
        }
    }
}
