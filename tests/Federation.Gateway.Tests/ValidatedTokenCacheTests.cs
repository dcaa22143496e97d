using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Sdk.Identity;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// The gateway remembers a validated access token until it expires (one gateway for the class, on a clock the tests
/// move): the same token is refused once expired, and a remembered token of a client revoked since is refused at once.
/// </summary>
public sealed class ValidatedTokenCacheTests(ValidatedTokenCacheTests.MovableClockGateway fixture) : IClassFixture<ValidatedTokenCacheTests.MovableClockGateway>
{
    private const int TokenLifetimeSeconds = 60;

    private static readonly QueryRequest Totals = new() { DatasetId = "trafficking.victims.v1" };

    [Fact]
    public async Task A_token_accepted_and_remembered_is_refused_once_it_has_expired()
    {
        var token = await fixture.NewAnalystTokenAsync("analyst-expiring");
        await fixture.QueryWithAsync(token);
        Assert.NotNull(fixture.Gateway.App.Services.GetRequiredService<ValidatedTokenCache>().Find(token, fixture.Clock.GetUtcNow()));

        fixture.Clock.Advance(TimeSpan.FromSeconds(TokenLifetimeSeconds + 1));

        var refusal = await Assert.ThrowsAsync<RpcException>(() => fixture.QueryWithAsync(token));
        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
        Assert.StartsWith("The access token was refused", refusal.Status.Detail, StringComparison.Ordinal);
        Assert.Null(fixture.Gateway.App.Services.GetRequiredService<ValidatedTokenCache>().Find(token, fixture.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_remembered_token_of_a_client_revoked_since_is_refused_at_the_next_call()
    {
        var token = await fixture.NewAnalystTokenAsync("analyst-leaving");
        await fixture.QueryWithAsync(token);
        Assert.NotNull(fixture.Gateway.App.Services.GetRequiredService<ValidatedTokenCache>().Find(token, fixture.Clock.GetUtcNow()));

        await fixture.Gateway.WithRegistryAsync(r => r.RevokeClientAsync("analyst-leaving", "left the agency", CancellationToken.None));

        var refusal = await Assert.ThrowsAsync<RpcException>(() => fixture.QueryWithAsync(token));
        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("left the agency", refusal.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>A gateway whose clock (token issue, validation, the cache) the tests move forward.</summary>
    public sealed class MovableClockGateway : IAsyncLifetime
    {
        public MovableClock Clock { get; } = new();

        internal GatewayFixture Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayFixture.StartAsync(
            options => options.AccessTokenLifetimeSeconds = TokenLifetimeSeconds,
            builder => builder.Services.AddSingleton<TimeProvider>(Clock));

        public async Task DisposeAsync() => await Gateway.DisposeAsync();

        /// <summary>A token of a new analyst, fetched from the gateway's token server.</summary>
        public async Task<string> NewAnalystTokenAsync(string clientId)
        {
            const string secret = "analyst-secret-for-the-token-cache-tests";
            await Gateway.WithRegistryAsync(r => r.EnsureSecretClientAsync(clientId, ClientKind.Analyst, secret, replaceSecret: true, CancellationToken.None));
            using var tokens = Gateway.TokensFor(GatewayCredentials.ForSecret(clientId, secret, FederationScopes.Query));
            return await tokens.GetAccessTokenAsync();
        }

        /// <summary>A query carrying exactly <paramref name="token"/>.</summary>
        public async Task QueryWithAsync(string token) =>
            await new QueryService.QueryServiceClient(Gateway.AnonymousChannel).QueryAsync(Totals, new Metadata { { "Authorization", $"Bearer {token}" } });
    }

    /// <summary>The system clock, moved forward by the tests.</summary>
    public sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }
}
