using Federation.Contracts.V1;
using Federation.Sdk.Publishing;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Transparency;
using Grpc.Core;
using Grpc.Net.Client;

namespace Federation.Gateway.Tests;

/// <summary>
/// What a node does with the gateway's refusals, against a real gateway: a release refused for its data is not signed
/// or sent again (the source must change), one refused for who signed or sent it is signed again, capacity updates
/// included; an access token refused mid-run is renewed once, then the run stops with the entry still pending.
/// </summary>
public sealed class OutboxRefusalTests(OutboxRefusalTests.SharedGateway shared) : IClassFixture<OutboxRefusalTests.SharedGateway>
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    /// <summary>One gateway for the class; each test uses its own jurisdiction and node state folder.</summary>
    public sealed class SharedGateway : IAsyncLifetime
    {
        internal GatewayFixture Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayFixture.StartAsync();

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private GatewayFixture Gateway => shared.Gateway;

    private string StateFolder(string test) => Path.Combine(Gateway.Federation.Directory, "node-state-" + test);

    [Fact]
    public async Task A_release_refused_for_its_data_is_not_signed_again_until_it_changes()
    {
        var gateway = Gateway;
        var state = StateFolder(Guid.NewGuid().ToString("N"));
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("NS"));
        var incomplete = TestSubmissions.Complete("NS", LastYear, total: 30);
        incomplete.Tables[1].Cells.RemoveAt(0);

        var first = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, state);
        var refusal = await Assert.ThrowsAsync<OutboxDeliveryException>(() => first.Publisher.PublishAsync(incomplete));
        var next = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, state);
        incomplete.ProducedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var again = await Assert.ThrowsAsync<OutboxDeliveryException>(() => next.Publisher.PublishAsync(incomplete));

        var refused = Assert.Single(refusal.Undelivered);
        Assert.Equal((OutboxEntryState.Failed, true), (refused.State, refused.RefusedForData));
        Assert.StartsWith("InvalidArgument", refused.LastError, StringComparison.Ordinal);
        Assert.Contains("refused for its data: fix the source", refusal.Message, StringComparison.Ordinal);
        // The next run neither signs nor sends it: the same failed entry, one attempt, and still reported.
        var still = Assert.Single(again.Undelivered);
        Assert.Equal((refused.Id, 1), (still.Id, still.Attempts));
        Assert.Single(await next.Outbox.ListAsync());

        // The source fixed: the changed release is signed and delivered.
        var fixedRun = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, state);
        var published = await fixedRun.Publisher.PublishAsync(TestSubmissions.Complete("NS", LastYear, total: 30));

        Assert.Equal(ReleaseDelivery.SignedAndSent, published.Delivery);
    }

    [Fact]
    public async Task A_release_refused_for_its_signer_is_signed_again_with_the_nodes_key()
    {
        var gateway = Gateway;
        var state = StateFolder(Guid.NewGuid().ToString("N"));
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("PE"));
        var release = TestSubmissions.Complete("PE", LastYear, total: 30);

        // Signed with Ontario's certificate, sent with Prince Edward Island's token: refused for who signed it.
        var borrowed = await TestNodeOutbox.OpenAsync(gateway, "ON", channel, state);
        var refusal = await Assert.ThrowsAsync<OutboxDeliveryException>(() => borrowed.Publisher.PublishAsync(release));
        var own = await TestNodeOutbox.OpenAsync(gateway, "PE", channel, state);
        var published = await own.Publisher.PublishAsync(release);

        var refused = Assert.Single(refusal.Undelivered);
        Assert.Equal((OutboxEntryState.Failed, false), (refused.State, refused.RefusedForData));
        Assert.StartsWith("PermissionDenied", refused.LastError, StringComparison.Ordinal);
        Assert.Equal(ReleaseDelivery.Resigned, published.Delivery);
        Assert.Equal(refused.SubmissionId, published.Receipt.SubmissionId);
    }

    [Fact]
    public async Task Capacity_updates_refused_for_their_signer_are_queued_again_and_those_refused_for_their_data_are_not()
    {
        var gateway = Gateway;
        var state = StateFolder(Guid.NewGuid().ToString("N"));
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("ON"));
        var now = DateTimeOffset.UtcNow;

        // Before any snapshot: refused for its data (FailedPrecondition, release.capacity_update).
        var (first, _) = await DirectoryRunAsync(gateway, channel, state, "ON");
        var early = await first.QueueCapacityAsync("ON", "node-on", Readings(("A", 4, now.AddMinutes(-30))));
        var dataRefusal = await Assert.ThrowsAsync<OutboxDeliveryException>(() => first.DeliverAsync([early]));
        await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now)));
        // Signed with Nova Scotia's certificate: refused for who signed it (PermissionDenied).
        var (borrowed, _) = await DirectoryRunAsync(gateway, channel, state, "NS");
        var misSigned = await borrowed.QueueCapacityAsync("ON", "node-on", Readings(("B", 2, now.AddMinutes(-20))));
        var signerRefusal = await Assert.ThrowsAsync<OutboxDeliveryException>(() => borrowed.DeliverAsync([misSigned]));

        var (next, nextOutbox) = await DirectoryRunAsync(gateway, channel, state, "ON");
        var requeued = await next.RequeueRefusedCapacityAsync();
        var receipts = await next.DeliverAsync(requeued);
        var (later, _) = await DirectoryRunAsync(gateway, channel, state, "ON");

        Assert.True(Assert.Single(dataRefusal.Undelivered).RefusedForData);
        Assert.False(Assert.Single(signerRefusal.Undelivered).RefusedForData);
        var entry = Assert.Single(requeued);
        Assert.Equal(misSigned.SubmissionId, entry.SubmissionId);
        Assert.Equal(1, Assert.Single(receipts).ReadingsApplied);
        Assert.Empty(await later.RequeueRefusedCapacityAsync());
        Assert.Equal(
            [(early.Id, OutboxEntryState.Failed), (misSigned.Id, OutboxEntryState.Failed), (entry.Id, OutboxEntryState.Delivered)],
            (await nextOutbox.ListAsync()).Select(e => (e.Id, e.State)));
    }

    [Fact]
    public async Task An_access_token_refused_mid_run_is_renewed_once_and_the_release_delivered()
    {
        var gateway = Gateway;
        var state = StateFolder(Guid.NewGuid().ToString("N"));
        var tokens = await gateway.NodeTokensAsync("NB");
        var token = "not-a-token";
        using var channel = ChannelWithToken(gateway, () => token);
        var renewals = 0;

        var run = await TestNodeOutbox.OpenAsync(gateway, "NB", channel, state, renewAccess: () =>
        {
            renewals++;
            token = tokens.GetAccessTokenAsync().GetAwaiter().GetResult();
        });
        var published = await run.Publisher.PublishAsync(TestSubmissions.Complete("NB", LastYear, total: 30));

        Assert.Equal(1, renewals);
        Assert.Equal(ReleaseDelivery.SignedAndSent, published.Delivery);
        var entry = Assert.Single(await run.Outbox.ListAsync());
        Assert.Equal((OutboxEntryState.Delivered, 2), (entry.State, entry.Attempts));
    }

    [Fact]
    public async Task An_access_token_refused_again_after_renewal_stops_the_run_and_leaves_the_release_pending()
    {
        var gateway = Gateway;
        var state = StateFolder(Guid.NewGuid().ToString("N"));
        using var channel = ChannelWithToken(gateway, () => "not-a-token");
        var renewals = 0;

        var run = await TestNodeOutbox.OpenAsync(gateway, "NL", channel, state, renewAccess: () => renewals++);
        var refusal = await Assert.ThrowsAsync<OutboxAccessRefusedException>(() => run.Publisher.PublishAsync(TestSubmissions.Complete("NL", LastYear, total: 30)));

        Assert.Equal(1, renewals);
        Assert.Contains("the node's identity is not accepted", refusal.Message, StringComparison.Ordinal);
        var entry = Assert.Single(await run.Outbox.ListAsync());
        Assert.Equal((OutboxEntryState.Pending, 2), (entry.State, entry.Attempts));
        Assert.StartsWith("Unauthenticated", entry.LastError, StringComparison.Ordinal);
    }

    private static CapacityUpdate Readings(params (string ServiceId, int Available, DateTimeOffset Updated)[] readings) => new()
    {
        Readings = { readings.Select(r => new CapacityReading { ServiceId = r.ServiceId, Capacity = TestDirectories.Beds(r.Available, 10, r.Updated) }) },
    };

    /// <summary>One directory "run": a publisher signing with <paramref name="signedBy"/>'s certificate over the outbox in <paramref name="state"/>.</summary>
    private static async Task<(DirectoryPublisher Publisher, Outbox Outbox)> DirectoryRunAsync(GatewayFixture gateway, GrpcChannel channel, string state, string signedBy)
    {
        var outbox = await Outbox.OpenAsync(state, TimeProvider.System);
        var uploader = new OutboxUploader(
            outbox,
            [new DirectoryReleaseDelivery(new DirectoryService.DirectoryServiceClient(channel), new ReceiptVerifier(gateway.Federation.LogVerifierKey), TimeProvider.System)],
            TimeProvider.System,
            TestNodeOutbox.Quick);
        return (new DirectoryPublisher(gateway.Federation.Node(signedBy), uploader, TimeProvider.System), outbox);
    }

    /// <summary>A channel to the gateway (TLS, the federation root) whose calls carry whatever <paramref name="token"/> returns at the time.</summary>
    private static GrpcChannel ChannelWithToken(GatewayFixture gateway, Func<string> token) =>
        GrpcChannel.ForAddress(gateway.Address, new GrpcChannelOptions
        {
            HttpHandler = new System.Net.Http.SocketsHttpHandler
            {
                SslOptions = new System.Net.Security.SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) => gateway.Federation.Trust.ValidateServerCertificate(certificate, chain, errors),
                },
            },
            Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token());
                return Task.CompletedTask;
            })),
        });
}
