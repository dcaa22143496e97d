using Federation.Gateway.Identity;

namespace Federation.Gateway.Tests;

public sealed class AuthenticationThrottleTests
{
    [Fact]
    public void Delays_start_after_the_free_failures_double_and_stay_bounded()
    {
        var clock = new ManualClock();
        var throttle = new AuthenticationThrottle(clock);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            throttle.RecordFailure("node-on");
            delays.Add(throttle.DelayFor("node-on"));
        }

        Assert.All(delays.Take(AuthenticationThrottle.FreeFailures), d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(AuthenticationThrottle.FirstDelay, delays[AuthenticationThrottle.FreeFailures]);
        Assert.Equal(2 * AuthenticationThrottle.FirstDelay, delays[AuthenticationThrottle.FreeFailures + 1]);
        Assert.Equal(AuthenticationThrottle.MaxDelay, delays[^1]);
        Assert.All(delays, d => Assert.True(d <= AuthenticationThrottle.MaxDelay));
    }

    [Fact]
    public void Failures_are_forgotten_after_a_quiet_period_and_counted_per_client()
    {
        var clock = new ManualClock();
        var throttle = new AuthenticationThrottle(clock);
        for (var i = 0; i < 6; i++)
        {
            throttle.RecordFailure("a");
        }

        Assert.True(throttle.DelayFor("a") > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("b"));
        clock.Advance(AuthenticationThrottle.ForgetAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("a"));
    }

    [Fact]
    public void Memory_stays_bounded_under_many_clients()
    {
        var clock = new ManualClock();
        var throttle = new AuthenticationThrottle(clock);
        for (var i = 0; i < AuthenticationThrottle.MaxTrackedClients + 50; i++)
        {
            throttle.RecordFailure($"client-{i}");
        }

        for (var i = 0; i < 5; i++)
        {
            throttle.RecordFailure("persistent");
        }

        Assert.True(throttle.DelayFor("persistent") > TimeSpan.Zero);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
