using Federation.Contracts.V1;

namespace Federation.Sdk.Publishing;

/// <summary>What an outbox entry holds: a statistics release or a service directory release.</summary>
public enum OutboxEntryKind
{
    /// <summary>A <see cref="Submission"/> of one dataset and reference year (SubmissionService.Submit).</summary>
    Statistics,

    /// <summary>A <see cref="DirectoryRelease"/> with the whole directory (DirectoryService.SubmitDirectory).</summary>
    DirectorySnapshot,

    /// <summary>A <see cref="DirectoryRelease"/> with capacity readings only (DirectoryService.SubmitDirectory).</summary>
    CapacityUpdate,
}

/// <summary>Where an outbox entry is: waiting to be sent, acknowledged by the gateway, or refused for good.</summary>
public enum OutboxEntryState
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// The gateway's acknowledgement of an entry as the node keeps it: the receipt's protobuf bytes
/// (<see cref="Receipt"/> or <see cref="DirectoryReceipt"/>), and for statistics the exact bytes the gateway signed,
/// its detached signature and the receipt's leaf index in the transparency log.
/// </summary>
public sealed record OutboxReceipt(byte[] ReceiptBytes, byte[]? SignedReceipt, byte[]? ReceiptSignature, long? LeafIndex);

/// <summary>
/// One signed envelope in the node's outbox and what has happened to it; <see cref="RefusedForData"/> when the gateway
/// refused it for what it says (its content), not for who signed or sent it: signing the same release again cannot help.
/// </summary>
public sealed record OutboxEntry(
    long Id,
    OutboxEntryKind Kind,
    string? DatasetId,
    int? ReferenceYear,
    string SubmissionId,
    SignedEnvelope Envelope,
    OutboxEntryState State,
    int Attempts,
    string? LastError,
    DateTimeOffset QueuedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? SettledAt,
    OutboxReceipt? Receipt,
    bool RefusedForData = false)
{
    /// <summary>The statistics receipt of a delivered <see cref="OutboxEntryKind.Statistics"/> entry, else null.</summary>
    public Receipt? StatisticsReceipt =>
        Kind == OutboxEntryKind.Statistics && Receipt is { } kept ? Contracts.V1.Receipt.Parser.ParseFrom(kept.ReceiptBytes) : null;

    /// <summary>The directory receipt of a delivered directory entry, else null.</summary>
    public DirectoryReceipt? DirectoryReceipt =>
        Kind != OutboxEntryKind.Statistics && Receipt is { } kept ? Contracts.V1.DirectoryReceipt.Parser.ParseFrom(kept.ReceiptBytes) : null;

    /// <summary>What the entry releases, for people: "trafficking.victims.v1 2024", "directory snapshot".</summary>
    public string Describe() => Kind switch
    {
        OutboxEntryKind.Statistics => $"{DatasetId} {ReferenceYear}",
        OutboxEntryKind.DirectorySnapshot => "directory snapshot",
        _ => "capacity update",
    };
}
