using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Node.Adapters;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;

namespace Federation.Node.Hosting;

/// <summary>
/// The exit codes of a single node run (`fed node run --once`), also recorded with the run in the state folder and
/// returned by `fed node status`. When several apply, the first of <see cref="Precedence"/> wins.
/// </summary>
public static class NodeExitCodes
{
    /// <summary>Every release due was delivered (sent by this run, or delivered earlier and unchanged).</summary>
    public const int Delivered = 0;

    /// <summary>The run failed for another reason (its message says which).</summary>
    public const int Failed = 1;

    /// <summary>A setting or a source cannot be used; nothing was sent.</summary>
    public const int Unusable = 2;

    /// <summary>The gateway could not be reached, or uploads are still pending after this run's attempts: the next run sends them.</summary>
    public const int Pending = 3;

    /// <summary>A reference year was refused for exceeding its privacy budget (the other years were sent).</summary>
    public const int BudgetExceeded = 4;

    /// <summary>
    /// The gateway refused a release: for who signed or sent it (the next run signs it again with the node's current key
    /// and sends it), or for its data (not sent again until the source changes).
    /// </summary>
    public const int Refused = 5;

    /// <summary>The token server refused the node's identity (revoked, unknown, expired): an administrator must act.</summary>
    public const int IdentityRefused = 6;

    /// <summary>The order in which codes win when a run has several problems: the one that needs someone most first.</summary>
    public static IReadOnlyList<int> Precedence { get; } = [Unusable, IdentityRefused, Refused, BudgetExceeded, Pending, Failed];

    /// <summary>The code of one part's failure.</summary>
    public static int Of(Exception failure) => failure switch
    {
        SourceReadException or NodeConfigurationException => Unusable,
        NodeIdentityRefusedException or OutboxAccessRefusedException => IdentityRefused,
        OutboxDeliveryException delivery when delivery.Undelivered.Any(e => e.State == OutboxEntryState.Failed) => Refused,
        OutboxDeliveryException => Pending,
        PrivacyBudgetExceededException => BudgetExceeded,
        GatewayUnreachableException => Pending,
        _ => Failed,
    };

    /// <summary>The code of a run whose parts failed with <paramref name="failures"/> (<see cref="Delivered"/> when none).</summary>
    public static int Of(IEnumerable<Exception> failures)
    {
        var codes = failures.Select(Of).ToHashSet();
        return codes.Count == 0 ? Delivered : Precedence.First(codes.Contains);
    }

    /// <summary>The code's name in the run record and `fed node status --format json`.</summary>
    public static string Name(int exitCode) => exitCode switch
    {
        Delivered => "delivered",
        Unusable => "unusable",
        Pending => "pending",
        BudgetExceeded => "budget-exceeded",
        Refused => "refused",
        IdentityRefused => "identity-refused",
        _ => "failed",
    };
}

/// <summary>
/// What the node's last run did, kept in the state folder (<see cref="FileName"/>) for monitoring: when it ran, its
/// exit code, what it delivered and how, and what it left refused or pending. Written after every run, scheduled or not.
/// </summary>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="ExitCode">Its exit code (<see cref="NodeExitCodes"/>).</param>
/// <param name="Outcome">The exit code's name: delivered, pending, refused, budget-exceeded, identity-refused, unusable, failed.</param>
/// <param name="SignedAndSent">Statistics releases signed and sent by this run.</param>
/// <param name="Resigned">Statistics releases the gateway had refused, signed again with the current key and sent.</param>
/// <param name="Resent">Statistics releases an earlier run left pending, sent by this run.</param>
/// <param name="AlreadyDelivered">Unchanged statistics releases delivered by an earlier run (receipt kept; not sent again).</param>
/// <param name="DirectoryReleasesSent">Service directory snapshots and capacity updates sent.</param>
/// <param name="RefusedByGateway">Releases the gateway refused during this run.</param>
/// <param name="LeftPending">Releases still pending in the outbox after the run (sent by the next run).</param>
/// <param name="Problems">Why each part failed, one line per part; empty when the run delivered everything.</param>
public sealed record NodeRunRecord(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int ExitCode,
    string Outcome,
    int SignedAndSent,
    int Resigned,
    int Resent,
    int AlreadyDelivered,
    int DirectoryReleasesSent,
    int RefusedByGateway,
    int LeftPending,
    IReadOnlyList<string> Problems)
{
    /// <summary>The record's file name in the node's state folder.</summary>
    public const string FileName = "last-run.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes the record into <paramref name="stateDirectory"/>, replacing the previous one in one step.</summary>
    public void Save(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, s_json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The record of the last run in <paramref name="stateDirectory"/>, or null when no run was recorded.</summary>
    public static NodeRunRecord? Load(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<NodeRunRecord>(File.ReadAllText(path), s_json) : null;
    }
}
