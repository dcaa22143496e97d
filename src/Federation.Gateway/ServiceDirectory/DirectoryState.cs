using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Sdk.ServiceDirectory;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// The service directory as the directory releases of the log make it, applied in log order: each jurisdiction's
/// current snapshot, the current count of every capacity, and every residential bed count ever reported. The one
/// place of the capacity rules: a count becomes current only when newer than the one held; a snapshot drops the
/// capacities it no longer lists. Ingestion evaluates a release with the same rules before appending it.
/// </summary>
internal sealed class DirectoryState
{
    private readonly Dictionary<(string Jurisdiction, string ServiceId, string CapacityId), CurrentCapacity> _current = [];
    private readonly List<HistoricalReading> _residentialBeds = [];
    private readonly Dictionary<string, DirectoryLogRelease> _snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DirectoryHistoryEntry>> _history = new(StringComparer.Ordinal);

    /// <summary>The number of leaves applied.</summary>
    public long TreeSize { get; private set; }

    public IReadOnlyCollection<DirectoryLogRelease> CurrentSnapshots => _snapshots.Values;

    public IEnumerable<CurrentCapacity> CurrentCapacities => _current.Values;

    public IReadOnlyList<HistoricalReading> ResidentialBeds => _residentialBeds;

    public IReadOnlyList<DirectoryHistoryEntry> History(string jurisdiction) =>
        _history.TryGetValue(jurisdiction, out var entries) ? entries : [];

    public DirectoryLogRelease? CurrentSnapshot(string jurisdiction) => _snapshots.GetValueOrDefault(jurisdiction);

    /// <summary>
    /// Applies the releases of a newer snapshot of the log, in log order; returns the capacity changes they made, as
    /// watchers receive them (each change once: a release is applied once).
    /// </summary>
    public IReadOnlyList<WatchCapacityResponse> CatchUp(ServedSnapshot snapshot)
    {
        var changes = new List<WatchCapacityResponse>();
        foreach (var release in snapshot.InLogOrder.Skip((int)TreeSize))
        {
            if (release is DirectoryLogRelease directory)
            {
                changes.AddRange(Apply(directory));
            }

            TreeSize = release.LeafIndex + 1;
        }

        return changes;
    }

    /// <summary>What a release would change: the counts that would become current and how many are older than those held.</summary>
    public CapacityEvaluation Evaluate(string jurisdiction, DirectoryRelease release)
    {
        var readings = Readings(jurisdiction, release);
        var changes = new List<CapacityChange>();
        var outdated = 0;
        var held = new Dictionary<(string, string), DateTimeOffset>();
        foreach (var (service, capacity, _) in readings)
        {
            var key = (jurisdiction, service.Id, capacity.Id);
            var updated = capacity.Updated.ToDateTimeOffset();
            var current = _current.GetValueOrDefault(key);
            var heldUpdated = held.TryGetValue((service.Id, capacity.Id), out var seen) ? seen : current?.Capacity.Updated.ToDateTimeOffset();
            if (heldUpdated is { } before && before >= updated)
            {
                outdated++;
                continue;
            }

            // Several counts of one capacity in one release: the newest is current, the change is from what was held before.
            changes.RemoveAll(c => c.ServiceId == service.Id && c.Capacity.Id == capacity.Id);
            held[(service.Id, capacity.Id)] = updated;
            changes.Add(new CapacityChange(jurisdiction, service.Id, capacity, current?.Capacity.Available));
        }

        return new CapacityEvaluation(changes, outdated);
    }

    private IEnumerable<WatchCapacityResponse> Apply(DirectoryLogRelease release)
    {
        var jurisdiction = release.Jurisdiction;
        var evaluation = Evaluate(jurisdiction, release.Release);
        var readings = Readings(jurisdiction, release.Release);
        var isSnapshot = release.Release.ContentCase == DirectoryRelease.ContentOneofCase.Snapshot;
        var history = _history.TryGetValue(jurisdiction, out var entries) ? entries : _history[jurisdiction] = [];
        if (isSnapshot)
        {
            if (_snapshots.TryGetValue(jurisdiction, out var previous))
            {
                var index = history.FindIndex(h => h.ReleaseId == previous.ReleaseId);
                history[index] = history[index] with { SupersededBy = release.ReleaseId };
            }

            _snapshots[jurisdiction] = release;
            var kept = readings.Select(r => (jurisdiction, r.Service.Id, r.Capacity.Id)).ToHashSet();
            foreach (var gone in _current.Keys.Where(k => k.Jurisdiction == jurisdiction && !kept.Contains(k)).ToArray())
            {
                _current.Remove(gone);
            }
        }

        var revision = _snapshots.TryGetValue(jurisdiction, out var snapshot) ? snapshot.Revision : 0;
        history.Add(new DirectoryHistoryEntry(release.ReleaseId, isSnapshot ? "snapshot" : "capacity", revision, release.ProducedAt, release.ReceivedAt, null));
        var sectors = readings.GroupBy(r => r.Service.Id).ToDictionary(g => g.Key, g => g.First().Service.ServiceTypes.FirstOrDefault(), StringComparer.Ordinal);
        foreach (var change in evaluation.Changes)
        {
            _current[(jurisdiction, change.ServiceId, change.Capacity.Id)] = new CurrentCapacity(jurisdiction, change.ServiceId, change.Capacity, sectors[change.ServiceId]);
        }

        foreach (var (service, capacity, residential) in readings)
        {
            if (residential && capacity.Unit == CapacityUnit.Bed)
            {
                _residentialBeds.Add(new HistoricalReading(jurisdiction, service.Id, capacity.Id, capacity.Available, capacity.Maximum, capacity.Updated.ToDateTimeOffset()));
            }
        }

        var services = readings.Select(r => r.Service).DistinctBy(s => s.Id).ToDictionary(s => s.Id, StringComparer.Ordinal);
        return evaluation.Changes.Select(c => c.ToWatchResponse(services, release.ReceivedAt));
    }

    // Every count a release reports, with its service (a capacity update's services are those of the current snapshot).
    private List<(Service Service, ServiceCapacity Capacity, bool Residential)> Readings(string jurisdiction, DirectoryRelease release)
    {
        if (release.ContentCase == DirectoryRelease.ContentOneofCase.Snapshot)
        {
            return release.Snapshot.Services.SelectMany(s => s.Capacities.Select(c => (s, c, s.ServiceTypes.Any(DirectoryCodes.IsResidential)))).ToList();
        }

        var services = _snapshots.TryGetValue(jurisdiction, out var current)
            ? current.Release.Snapshot.Services.ToDictionary(s => s.Id, StringComparer.Ordinal)
            : [];
        return release.CapacityUpdate.Readings
            .Where(r => services.ContainsKey(r.ServiceId))
            .Select(r => (services[r.ServiceId], r.Capacity, services[r.ServiceId].ServiceTypes.Any(DirectoryCodes.IsResidential)))
            .ToList();
    }
}

/// <summary>The capacity counts a release makes current, and how many of its counts are older than those held.</summary>
internal sealed record CapacityEvaluation(IReadOnlyList<CapacityChange> Changes, int Outdated);
