using Federation.Contracts.V1;
using Grpc.Core;

namespace Federation.Gateway.Tests;

public sealed class WatchCapacityTests
{
    [Fact]
    public async Task A_watcher_receives_each_accepted_capacity_change_with_what_it_replaced()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest { Jurisdictions = { "ON" } }, cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        await gateway.PublishAsync(TestDirectories.Update("ON", ("A", TestDirectories.Beds(0, 10, now.AddSeconds(-1)))));
        await gateway.PublishAsync(TestDirectories.Update("ON", ("C", TestDirectories.Beds(2, 8, now.AddSeconds(-1)))));

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var first = watch.ResponseStream.Current;
        Assert.Equal(("ON", "A", "Service A", 0, 3, false), (first.Jurisdiction, first.ServiceId, first.ServiceName, first.Capacity.Available, first.PreviousAvailable, first.CurrentState));
        Assert.Equal([ServiceType.EmergencyShelter], first.ServiceTypes);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(("C", 2, 0), (watch.ResponseStream.Current.ServiceId, watch.ResponseStream.Current.Capacity.Available, watch.ResponseStream.Current.PreviousAvailable));
    }

    [Fact]
    public async Task A_watcher_asking_for_the_current_state_gets_it_first_and_only_for_its_sectors()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = gateway.ReferralDirectory().WatchCapacity(
            new WatchCapacityRequest { ServiceTypes = { ServiceType.TransitionalHousing }, SendCurrent = true },
            cancellationToken: timeout.Token);

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(("E", true), (watch.ResponseStream.Current.ServiceId, watch.ResponseStream.Current.CurrentState));

        // A shelter's change is not for this watcher; the next transitional-housing change is.
        await gateway.PublishAsync(TestDirectories.Update("ON", ("A", TestDirectories.Beds(1, 10, now.AddSeconds(-1)))));
        await gateway.PublishAsync(TestDirectories.Update("ON", ("E", TestDirectories.Beds(0, 6, now.AddSeconds(-1)))));
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(("E", false, 0), (watch.ResponseStream.Current.ServiceId, watch.ResponseStream.Current.CurrentState, watch.ResponseStream.Current.Capacity.Available));
    }

    [Fact]
    public async Task A_watch_for_an_unknown_jurisdiction_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "jurisdictions[0]", async () =>
        {
            using var watch = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest { Jurisdictions = { "XX" } });
            await watch.ResponseStream.MoveNext(CancellationToken.None);
        });
    }
}
