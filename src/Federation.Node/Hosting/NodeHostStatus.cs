namespace Federation.Node.Hosting;

/// <summary>What the node host has done so far: runs succeeded and failed, the last failure, and the exit code of a single run.</summary>
public sealed class NodeHostStatus
{
    private int _succeeded;
    private int _failed;

    public int RunsSucceeded => Volatile.Read(ref _succeeded);

    public int RunsFailed => Volatile.Read(ref _failed);

    /// <summary>Why the last failed run failed, or null.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>0 when the last run succeeded, 1 when it failed; null before the first run ends.</summary>
    public int? ExitCode { get; private set; }

    internal void Succeeded()
    {
        ExitCode = 0;
        Interlocked.Increment(ref _succeeded);
    }

    internal void Failed(string reason)
    {
        LastFailure = reason;
        ExitCode = 1;
        Interlocked.Increment(ref _failed);
    }
}
