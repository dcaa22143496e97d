using Federation.Contracts.V1;
using Federation.Gateway.Serving;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// The service directory answered from the directory releases of the verified log (<see cref="ServedLog"/>): a
/// <see cref="DirectoryState"/> brought up to the log's latest leaf before each answer. Whenever it applies new leaves
/// (appended by this gateway process or by another replica sharing the store), it hands the capacity changes they made
/// to the watchers (<see cref="CapacityBroadcast"/>): every change once, in log order.
/// </summary>
public sealed class ServedDirectories(ServedLog log, CapacityBroadcast broadcast) : IDirectoryStore
{
    private readonly Lock _sync = new();
    private readonly DirectoryState _state = new();

    public async Task<IReadOnlyList<StoredSnapshot>> GetCurrentSnapshotsAsync(CancellationToken cancellationToken) =>
        Read(await log.CurrentAsync(cancellationToken), state => state.CurrentSnapshots
            .OrderBy(s => s.Jurisdiction, StringComparer.Ordinal)
            .Select(s => new StoredSnapshot(s.Jurisdiction, s.ReleaseId, s.Revision, s.ProducedAt, s.ReceivedAt, s.ReleaseBytes))
            .ToArray());

    public async Task<IReadOnlyList<CurrentCapacity>> GetCurrentCapacitiesAsync(CancellationToken cancellationToken) =>
        Read(await log.CurrentAsync(cancellationToken), state => state.CurrentCapacities
            .OrderBy(c => c.Jurisdiction, StringComparer.Ordinal)
            .ThenBy(c => c.ServiceId, StringComparer.Ordinal)
            .ThenBy(c => c.Capacity.Id, StringComparer.Ordinal)
            .ToArray());

    public async Task<IReadOnlyList<HistoricalReading>> GetResidentialBedHistoryAsync(DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken) =>
        Read(await log.CurrentAsync(cancellationToken), state =>
        {
            var during = state.ResidentialBeds.Where(r => r.Updated >= periodStart && r.Updated < periodEnd);
            var before = state.ResidentialBeds
                .Where(r => r.Updated < periodStart)
                .GroupBy(r => (r.Jurisdiction, r.ServiceId, r.CapacityId))
                .Select(g => g.MaxBy(r => r.Updated)!);
            return before.Concat(during).OrderBy(r => r.Updated).ToArray();
        });

    public async Task<IReadOnlyList<DirectoryHistoryEntry>> GetHistoryAsync(string jurisdiction, CancellationToken cancellationToken) =>
        Read(await log.CurrentAsync(cancellationToken), state => state.History(jurisdiction).ToArray());

    /// <summary>Brings the directory up to the log's latest leaf now, so watchers hear of new changes without waiting for a read.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken) =>
        Read(await log.CurrentAsync(cancellationToken), _ => 0);

    /// <summary>
    /// Inside an append, on the snapshot the decision is made on: the current snapshot of the release's jurisdiction
    /// (null when none) and the capacity counts the release would make current.
    /// </summary>
    internal (DirectoryLogRelease? CurrentSnapshot, CapacityEvaluation Evaluation) Evaluate(ServedSnapshot snapshot, DirectoryRelease release) =>
        Read(snapshot, state => (state.CurrentSnapshot(release.Jurisdiction), state.Evaluate(release.Jurisdiction, release)));

    private T Read<T>(ServedSnapshot snapshot, Func<DirectoryState, T> read)
    {
        lock (_sync)
        {
            // Under the lock: changes reach watchers in log order, and a watcher that subscribed before reading the
            // state misses none.
            broadcast.Publish(_state.CatchUp(snapshot));
            return read(_state);
        }
    }
}
