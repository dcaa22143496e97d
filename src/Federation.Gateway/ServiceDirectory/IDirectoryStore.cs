using Federation.Contracts.V1;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Durable storage of directory releases: every signed release as received (history), the current snapshot per
/// jurisdiction, every capacity count ever reported, and the current count of each capacity.
/// </summary>
public interface IDirectoryStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends a snapshot in one transaction: it becomes the jurisdiction's current snapshot (the previous one is
    /// kept as history), its capacities join the history and become current where newer. Capacities of services no
    /// longer in the directory stop being current. A snapshot produced no later than the current one is refused.
    /// </summary>
    Task<DirectoryAppendResult> AppendSnapshotAsync(NewDirectoryRelease release, IReadOnlyList<NewCapacityReading> readings, Func<DirectoryAppendInfo, byte[]> createReceipt, CancellationToken cancellationToken);

    /// <summary>Appends a capacity update in one transaction: readings join the history and become current where newer.</summary>
    Task<DirectoryAppendResult> AppendCapacityUpdateAsync(NewDirectoryRelease release, IReadOnlyList<NewCapacityReading> readings, Func<DirectoryAppendInfo, byte[]> createReceipt, CancellationToken cancellationToken);

    /// <summary>The current snapshot of each jurisdiction that has one.</summary>
    Task<IReadOnlyList<StoredSnapshot>> GetCurrentSnapshotsAsync(CancellationToken cancellationToken);

    /// <summary>The current count of every capacity of the current directories.</summary>
    Task<IReadOnlyList<CurrentCapacity>> GetCurrentCapacitiesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every count of residential bed capacity in [<paramref name="periodStart"/>, <paramref name="periodEnd"/>), and for each
    /// capacity the last count before <paramref name="periodStart"/> (it still holds at the start); oldest first.
    /// </summary>
    Task<IReadOnlyList<HistoricalReading>> GetResidentialBedHistoryAsync(DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken);

    /// <summary>All releases of a jurisdiction, oldest first.</summary>
    Task<IReadOnlyList<DirectoryHistoryEntry>> GetHistoryAsync(string jurisdiction, CancellationToken cancellationToken);
}

/// <summary>A verified release to store.</summary>
public sealed record NewDirectoryRelease(
    string ReleaseId,
    string Jurisdiction,
    DateTimeOffset ProducedAt,
    DateTimeOffset ReceivedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] ReleaseBytes,
    byte[] Signature);

/// <summary>One capacity count of a release, with the sector of its service (its first type) and whether it is residential.</summary>
public sealed record NewCapacityReading(string ServiceId, ServiceCapacity Capacity, ServiceType Sector, bool Residential);

/// <summary>What the receipt of a stored release says.</summary>
public sealed record DirectoryAppendInfo(int SnapshotRevision, string? SupersedesReleaseId, int ReadingsApplied, int ReadingsOutdated);

public enum DirectoryAppendOutcome
{
    Stored,
    AlreadyStored,
    OlderThanCurrent,
    NoSnapshot,
}

/// <summary>The outcome of an append, the receipt bytes, and the capacity counts that became current (for watchers).</summary>
public sealed record DirectoryAppendResult(DirectoryAppendOutcome Outcome, byte[]? ReceiptBytes, string? CurrentReleaseId, IReadOnlyList<CapacityChange> Changes);

/// <summary>A capacity count that became current, and the available count it replaced.</summary>
public sealed record CapacityChange(string Jurisdiction, string ServiceId, ServiceCapacity Capacity, int? PreviousAvailable);

/// <summary>A jurisdiction's current snapshot as stored.</summary>
public sealed record StoredSnapshot(string Jurisdiction, string ReleaseId, int Revision, DateTimeOffset ProducedAt, DateTimeOffset ReceivedAt, byte[] ReleaseBytes);

/// <summary>The current count of one capacity.</summary>
public sealed record CurrentCapacity(string Jurisdiction, string ServiceId, ServiceCapacity Capacity, ServiceType Sector);

/// <summary>One stored count of a residential bed capacity.</summary>
public sealed record HistoricalReading(string Jurisdiction, string ServiceId, string CapacityId, int Available, int Maximum, DateTimeOffset Updated);

/// <summary>One stored release in a jurisdiction's directory history.</summary>
public sealed record DirectoryHistoryEntry(string ReleaseId, string Kind, int SnapshotRevision, DateTimeOffset ProducedAt, DateTimeOffset ReceivedAt, string? SupersededBy);
