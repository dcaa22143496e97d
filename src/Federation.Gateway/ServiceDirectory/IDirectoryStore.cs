using Federation.Contracts.V1;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// The directory reads search, capacity and coverage answers use: the current snapshot per jurisdiction, every
/// capacity's current count, residential bed counts over time, and each jurisdiction's history of releases. Answered
/// by <see cref="ServedDirectories"/> from the directory releases of the log (nothing else is stored).
/// </summary>
public interface IDirectoryStore
{
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

/// <summary>A capacity count that became current, and the available count it replaced.</summary>
public sealed record CapacityChange(string Jurisdiction, string ServiceId, ServiceCapacity Capacity, int? PreviousAvailable)
{
    /// <summary>The change as a watcher receives it, with its service's name and types when <paramref name="services"/> has it.</summary>
    public WatchCapacityResponse ToWatchResponse(IReadOnlyDictionary<string, Service> services, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(services);
        var response = new WatchCapacityResponse
        {
            Jurisdiction = Jurisdiction,
            ServiceId = ServiceId,
            Capacity = Capacity,
            ReceivedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(receivedAt),
        };
        if (PreviousAvailable is { } previous)
        {
            response.PreviousAvailable = previous;
        }

        if (services.TryGetValue(ServiceId, out var service))
        {
            response.ServiceName = service.Name;
            response.ServiceTypes.AddRange(service.ServiceTypes);
        }

        return response;
    }
}

/// <summary>A jurisdiction's current snapshot: the release and its signed bytes.</summary>
public sealed record StoredSnapshot(string Jurisdiction, string ReleaseId, int Revision, DateTimeOffset ProducedAt, DateTimeOffset ReceivedAt, byte[] ReleaseBytes);

/// <summary>The current count of one capacity.</summary>
public sealed record CurrentCapacity(string Jurisdiction, string ServiceId, ServiceCapacity Capacity, ServiceType Sector);

/// <summary>One reported count of a residential bed capacity.</summary>
public sealed record HistoricalReading(string Jurisdiction, string ServiceId, string CapacityId, int Available, int Maximum, DateTimeOffset Updated);

/// <summary>One release in a jurisdiction's directory history.</summary>
public sealed record DirectoryHistoryEntry(string ReleaseId, string Kind, int SnapshotRevision, DateTimeOffset ProducedAt, DateTimeOffset ReceivedAt, string? SupersededBy);
