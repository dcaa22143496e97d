using Federation.Contracts.V1;
using Federation.Sdk.Validation;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// What directory adapters read from a source: HSDS-shaped organizations, services, locations and the links between
/// them, not yet validated, and the parts the adapter could not read, each with a reason.
/// </summary>
public sealed class DirectoryContent
{
    public List<Organization> Organizations { get; } = [];

    public List<Service> Services { get; } = [];

    public List<Location> Locations { get; } = [];

    public List<ServiceAtLocation> ServiceAtLocations { get; } = [];

    /// <summary>Parts of the source held back by the adapter, with where they were and why.</summary>
    public List<QuarantinedRecord> Quarantined { get; } = [];

    /// <summary>Adds another source's content. Items whose id is already present are kept once (the first read).</summary>
    public void Add(DirectoryContent other)
    {
        ArgumentNullException.ThrowIfNull(other);
        AddNew(Organizations, other.Organizations, o => o.Id);
        AddNew(Services, other.Services, s => s.Id);
        AddNew(Locations, other.Locations, l => l.Id);
        AddNew(ServiceAtLocations, other.ServiceAtLocations, l => l.Id);
        Quarantined.AddRange(other.Quarantined);
    }

    private static void AddNew<T>(List<T> items, IEnumerable<T> more, Func<T, string> id)
    {
        var known = items.Select(id).ToHashSet(StringComparer.Ordinal);
        items.AddRange(more.Where(item => known.Add(id(item))));
    }
}

/// <summary>A source of directory content: an HSDS feed, a CSV export, a database.</summary>
public interface IDirectorySource
{
    /// <summary>A short name for reports, for example the file name.</summary>
    string Name { get; }

    Task<DirectoryContent> ReadAsync(CancellationToken cancellationToken = default);
}
