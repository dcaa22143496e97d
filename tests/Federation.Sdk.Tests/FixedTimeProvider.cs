namespace Federation.Sdk.Tests;

/// <summary>A clock stopped at one instant, in UTC, so date checks and timestamps are deterministic.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
