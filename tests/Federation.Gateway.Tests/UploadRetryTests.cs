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
        using var channel = GatewayChannel.Create(gateway.Address, gateway.Federation.Trust, new GatewayRetryPolicy(5, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)), await gateway.NodeTokensAsync("NS"));
        var node = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, Path.Combine(gateway.Federation.Directory, "node-state"));

        var published = await node.Publisher.PublishAsync(TestSubmissions.Complete("NS", DateTime.UtcNow.Year - 1, total: 30));

        Assert.Equal(3, flaky.Calls);
        Assert.Equal(1, published.Receipt.Revision);
        Assert.Single(node.Archive.LoadReceipts());
    }

    [Fact]
    public async Task An_upload_stays_pending_after_the_retry_budget_with_the_gateway_status()
    {
        var flaky = new FlakySubmitInterceptor(failures: 10);
        await using var gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
        {
            builder.Services.AddSingleton(flaky);
            builder.Services.AddGrpc(options => options.Interceptors.Add<FlakySubmitInterceptor>());
        });
        using var channel = GatewayChannel.Create(gateway.Address, gateway.Federation.Trust, new GatewayRetryPolicy(3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)), await gateway.NodeTokensAsync("NS"));
        var node = await TestNodeOutbox.OpenAsync(gateway, "NS", channel, Path.Combine(gateway.Federation.Directory, "node-state"), new OutboxRetryPolicy(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)));

        var exception = await Assert.ThrowsAsync<OutboxDeliveryException>(() => node.Publisher.PublishAsync(TestSubmissions.Complete("NS", DateTime.UtcNow.Year - 1)));

        // Three calls by the channel's own retries, twice (two outbox attempts); the release stays pending with the status.
        Assert.Equal(6, flaky.Calls);
        var pending = Assert.Single(exception.Undelivered);
        Assert.Equal(OutboxEntryState.Pending, pending.State);
        Assert.Equal(2, pending.Attempts);
        Assert.StartsWith("Unavailable: The gateway is restarting.", pending.LastError, StringComparison.Ordinal);
        Assert.Empty(node.Archive.LoadReceipts());
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
