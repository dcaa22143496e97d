namespace Federation.Sdk.Tests.Trust;

/// <summary>A clock that always reads the same instant, so certificate validity and "now" are deterministic in tests.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
