using Federation.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>The directory follows the same access rules as statistics: nodes publish their own, analysts search.</summary>
public sealed class DirectoryAuthorizationTests
{
    [Fact]
    public async Task Searching_the_directory_without_a_token_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var exception = await Assert.ThrowsAsync<RpcException>(async () =>
            await new DirectoryService.DirectoryServiceClient(gateway.AnonymousChannel).FindServicesAsync(new FindServicesRequest()));

        Assert.Equal(StatusCode.Unauthenticated, exception.StatusCode);
    }

    [Fact]
    public async Task An_analyst_token_cannot_publish_a_directory()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = TestSubmissions.Sign(TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow)).ToByteArray(), gateway.Federation.Node("ON"));

        var exception = await Assert.ThrowsAsync<RpcException>(async () =>
            await gateway.Directory().SubmitDirectoryAsync(new SubmitDirectoryRequest { Envelope = envelope }));

        Assert.Equal(StatusCode.PermissionDenied, exception.StatusCode);
    }

    [Fact]
    public async Task A_node_token_cannot_search_the_directory()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var exception = await Assert.ThrowsAsync<RpcException>(async () =>
            await new DirectoryService.DirectoryServiceClient(gateway.AnonymousChannel).FindServicesAsync(
                new FindServicesRequest(),
                headers: await GatewayFixture.BearerAsync(await gateway.NodeTokensAsync("ON"))));

        Assert.Equal(StatusCode.PermissionDenied, exception.StatusCode);
    }

    [Fact]
    public async Task A_node_cannot_publish_another_jurisdictions_directory_with_its_token()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        // Signed by Nova Scotia's node (a valid NS release), sent with Ontario's node token.
        var envelope = TestSubmissions.Sign(TestDirectories.Release("NS", TestDirectories.Ontario(DateTimeOffset.UtcNow)).ToByteArray(), gateway.Federation.Node("NS"));

        var exception = await Assert.ThrowsAsync<RpcException>(() => gateway.SubmitDirectoryAsync(envelope, "ON"));

        Assert.Equal(StatusCode.PermissionDenied, exception.StatusCode);
    }
}
