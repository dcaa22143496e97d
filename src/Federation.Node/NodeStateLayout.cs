using Federation.Node.Hosting;
using Federation.Sdk.Publishing;

namespace Federation.Node;

/// <summary>
/// The node's state folder (node.json's <c>stateDirectory</c>) and what is in it: the one place the names of its files
/// and folders are written. docs/deploying-a-node.md ("The state folder") says what each is and whether to back it up.
/// </summary>
public sealed class NodeStateLayout
{
    /// <summary>The layout of the state folder <paramref name="root"/>.</summary>
    public NodeStateLayout(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The state folder itself: the outbox (<see cref="OutboxFile"/>) and the receipts archive (<see cref="Receipts"/>) are opened on it.</summary>
    public string Root { get; }

    /// <summary>The outbox database: every release signed, pending, delivered or refused.</summary>
    public string OutboxFile => Path.Combine(Root, Outbox.FileName);

    /// <summary>The receipts, as files (<see cref="ReleaseArchive"/> on <see cref="Root"/>).</summary>
    public string Receipts => Path.Combine(Root, ReleaseArchive.ReceiptsFolder);

    /// <summary>The folder of the privacy ledger.</summary>
    public string Privacy => Path.Combine(Root, "privacy");

    /// <summary>The last run's record, read by <c>fed node status</c>.</summary>
    public string LastRunFile => Path.Combine(Root, NodeRunRecord.FileName);

    /// <summary>The statistics records the last run held back, with their reasons.</summary>
    public string QuarantineReport => Path.Combine(Root, "quarantine.csv");

    /// <summary>The last transparency-log checkpoint <c>fed log verify</c> checked for this node.</summary>
    public string LastVerifiedCheckpointFile => Path.Combine(Root, "log", "last-verified-checkpoint.json");

    /// <summary>The service directory's state: its capacity watermark and quarantine.</summary>
    public string ServiceDirectory => Path.Combine(Root, "directory");

    /// <summary>The time of the newest capacity reading queued, so a run sends only newer ones.</summary>
    public string CapacityWatermarkFile => Path.Combine(ServiceDirectory, "capacity.watermark");

    /// <summary>The directory items and capacity readings the last run held back, with their reasons.</summary>
    public string DirectoryQuarantineReport => Path.Combine(ServiceDirectory, "quarantine.csv");

    /// <summary>The state folder of a node's configuration (relative to the configuration's folder).</summary>
    public static NodeStateLayout Of(NodeConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new(configuration.Resolve(configuration.StateDirectory));
    }
}
