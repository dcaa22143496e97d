using Federation.Contracts.V1;
using Federation.Sdk.Client;
using Federation.Sdk.Publishing;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

public sealed class UploadRetryTests
{
    [Fact]
    public async Task An_upload_is_retried_while_the_gateway_answers_unavailable_and_counted_once()
    {
        var flaky = new FlakySubmitInterceptor(failures: 2);
        await using var gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
        {
            builder.Services.AddSingleton(flaky);
            builder.Services.AddGrpc(options => options.Interceptors.Add<FlakySubmitInterceptor>());
        });
        var archive = new ReleaseArchive(Path.Combine(gateway.Federation.Directory, "node-state"));
        using var channel = GatewayChannel.Create(gateway.Address, gateway.Federation.Trust, new GatewayRetryPolicy(5, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)), await gateway.NodeTokensAsync("NS"));
        var publisher = new ReleasePublisher(new SubmissionService.SubmissionServiceClient(channel), gateway.Federation.Node("NS"), archive, TimeProvider.System, new ReceiptVerifier(gateway.Federation.LogVerifierKey), new ReceiptSignatureVerifier(gateway.Federation.Trust, TimeProvider.System));

        var published = await publisher.PublishAsync(TestSubmissions.Complete("NS", DateTime.UtcNow.Year - 1, total: 30));

        Assert.Equal(3, flaky.Calls);
        Assert.Equal(1, published.Receipt.Revision);
        Assert.Single(archive.LoadReceipts());
    }

    [Fact]
    public async Task An_upload_gives_up_after_the_retry_budget_with_the_gateway_status()
    {
        var flaky = new FlakySubmitInterceptor(failures: 10);
        await using var gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
        {
            builder.Services.AddSingleton(flaky);
            builder.Services.AddGrpc(options => options.Interceptors.Add<FlakySubmitInterceptor>());
        });
        var archive = new ReleaseArchive(Path.Combine(gateway.Federation.Directory, "node-state"));
        using var channel = GatewayChannel.Create(gateway.Address, gateway.Federation.Trust, new GatewayRetryPolicy(3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)), await gateway.NodeTokensAsync("NS"));
        var publisher = new ReleasePublisher(new SubmissionService.SubmissionServiceClient(channel), gateway.Federation.Node("NS"), archive, TimeProvider.System, new ReceiptVerifier(gateway.Federation.LogVerifierKey), new ReceiptSignatureVerifier(gateway.Federation.Trust, TimeProvider.System));

        var exception = await Assert.ThrowsAsync<RpcException>(() => publisher.PublishAsync(TestSubmissions.Complete("NS", DateTime.UtcNow.Year - 1)));

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.Equal(3, flaky.Calls);
        Assert.Empty(archive.LoadReceipts());
    }

    /// <summary>Answers the first calls to Submit with Unavailable, as an overloaded or restarting gateway would.</summary>
    private sealed class FlakySubmitInterceptor(int failures) : Interceptor
    {
        private int _calls;

        public int Calls => _calls;

        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request,
            ServerCallContext context,
            UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is SubmitRequest && Interlocked.Increment(ref _calls) <= failures)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "The gateway is restarting."));
            }

            return continuation(request, context);
        }
    }
}
