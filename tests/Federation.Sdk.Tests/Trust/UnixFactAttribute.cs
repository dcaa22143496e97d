namespace Federation.Sdk.Tests.Trust;

/// <summary>A fact about Unix file modes, skipped on Windows where they do not exist.</summary>
internal sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes do not exist on Windows.";
        }
    }
}
