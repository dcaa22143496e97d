using Federation.Sdk.Publishing;

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

    /// <summary>
    /// The releases the last failed run could not deliver (still pending, sent again by the next run, or refused by the
    /// gateway), all kept in the node's outbox; empty when the last run succeeded or failed before sending.
    /// </summary>
    public IReadOnlyList<OutboxEntry> Undelivered { get; private set; } = [];

    /// <summary>The last run's exit code (<see cref="NodeExitCodes"/>: 0 when everything was delivered); null before the first run ends.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>
    /// Whether a scheduled node stopped itself after a run no later run can fix (its identity refused): its process
    /// then exits with <see cref="ExitCode"/> rather than 0.
    /// </summary>
    public bool StoppedForGood { get; private set; }

    internal void Succeeded()
    {
        ExitCode = 0;
        Undelivered = [];
        Interlocked.Increment(ref _succeeded);
    }

    internal void GaveUp() => StoppedForGood = true;

    internal void Failed(string reason, IReadOnlyList<OutboxEntry> undelivered, int exitCode)
    {
        LastFailure = reason;
        Undelivered = undelivered;
        ExitCode = exitCode;
        Interlocked.Increment(ref _failed);
    }
}
