using System.Collections.Concurrent;
using Federation.Contracts.V1;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// The current snapshot of each jurisdiction, parsed once per release and indexed for search. Snapshots are
/// read from the store on every call (so replicas sharing a database agree); only parsing is cached.
/// </summary>
public sealed class CurrentDirectories(IDirectoryStore store)
{
    private readonly ConcurrentDictionary<string, JurisdictionDirectory> _parsed = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<JurisdictionDirectory>> GetAsync(CancellationToken cancellationToken)
    {
        var stored = await store.GetCurrentSnapshotsAsync(cancellationToken);
        var current = stored.Select(s => _parsed.GetOrAdd(s.ReleaseId, _ => JurisdictionDirectory.Parse(s))).ToArray();
        foreach (var stale in _parsed.Keys.Except(stored.Select(s => s.ReleaseId)).ToArray())
        {
            _parsed.TryRemove(stale, out _);
        }

        return current;
    }

    public async Task<JurisdictionDirectory?> FindAsync(string jurisdiction, CancellationToken cancellationToken) =>
        (await GetAsync(cancellationToken)).FirstOrDefault(d => d.Jurisdiction == jurisdiction);
}

/// <summary>One jurisdiction's current snapshot with lookups by id.</summary>
public sealed class JurisdictionDirectory
{
    private JurisdictionDirectory(StoredSnapshot stored, DirectorySnapshot snapshot)
    {
        Jurisdiction = stored.Jurisdiction;
        ReleaseId = stored.ReleaseId;
        Revision = stored.Revision;
        Snapshot = snapshot;
        Services = snapshot.Services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        Organizations = snapshot.Organizations.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var locations = snapshot.Locations.ToDictionary(l => l.Id, StringComparer.Ordinal);
        LocationsOfService = snapshot.ServiceAtLocations
            .GroupBy(l => l.ServiceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Location>)g.Select(l => locations[l.LocationId]).ToArray(), StringComparer.Ordinal);
    }

    public string Jurisdiction { get; }

    public string ReleaseId { get; }

    public int Revision { get; }

    public DirectorySnapshot Snapshot { get; }

    public IReadOnlyDictionary<string, Service> Services { get; }

    public IReadOnlyDictionary<string, Organization> Organizations { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<Location>> LocationsOfService { get; }

    public IReadOnlyList<Location> LocationsOf(string serviceId) =>
        LocationsOfService.TryGetValue(serviceId, out var locations) ? locations : [];

    internal static JurisdictionDirectory Parse(StoredSnapshot stored) =>
        new(stored, DirectoryRelease.Parser.ParseFrom(stored.ReleaseBytes).Snapshot);
}
