using Federation.Contracts.V1;
using Federation.Sdk.Publishing;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Grpc.Net.Client;

namespace Federation.Gateway.Tests;

/// <summary>A node's outbox in a state folder, wired to a test gateway as the node wires it (one instance per "run").</summary>
internal sealed record TestNodeOutbox(Outbox Outbox, OutboxUploader Uploader, ReleasePublisher Publisher, ReleaseArchive Archive)
{
    public static async Task<TestNodeOutbox> OpenAsync(
        GatewayFixture gateway,
        string jurisdiction,
        GrpcChannel channel,
        string stateDirectory,
        OutboxRetryPolicy? policy = null,
        TimeProvider? timeProvider = null,
        Func<double>? jitter = null,
        Action? renewAccess = null)
    {
        timeProvider ??= TimeProvider.System;
        var outbox = await Outbox.OpenAsync(stateDirectory, timeProvider);
        var archive = new ReleaseArchive(stateDirectory);
        var delivery = new SubmissionDelivery(
            new SubmissionService.SubmissionServiceClient(channel),
            new TransparencyLogService.TransparencyLogServiceClient(channel),
            archive,
            new ReceiptVerifier(gateway.Federation.LogVerifierKey),
            new ReceiptSignatureVerifier(gateway.Federation.Trust, TimeProvider.System),
            TimeProvider.System);
        var uploader = new OutboxUploader(outbox, [delivery], timeProvider, policy ?? Quick, jitter, renewAccess);
        return new TestNodeOutbox(outbox, uploader, new ReleasePublisher(gateway.Federation.Node(jurisdiction), uploader, timeProvider), archive);
    }

    /// <summary>Three attempts per run, 10 to 40 ms apart: retries without slowing the tests.</summary>
    public static OutboxRetryPolicy Quick { get; } = new(3, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40));
}
