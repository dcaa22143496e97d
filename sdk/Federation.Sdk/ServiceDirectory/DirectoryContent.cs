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

    /// <summary>Adds one streamed item, as read (duplicates within a source are left to the snapshot builder).</summary>
    public void Add(DirectoryItem item)
    {
        switch (item)
        {
            case OrganizationItem organization:
                Organizations.Add(organization.Organization);
                break;
            case ServiceItem service:
                Services.Add(service.Service);
                break;
            case LocationItem location:
                Locations.Add(location.Location);
                break;
            case ServiceAtLocationItem link:
                ServiceAtLocations.Add(link.ServiceAtLocation);
                break;
            case QuarantinedItem quarantined:
                Quarantined.Add(quarantined.Record);
                break;
            default:
                throw new ArgumentException($"'{item?.GetType().Name}' is not a directory item this SDK knows.", nameof(item));
        }
    }

    private static void AddNew<T>(List<T> items, IEnumerable<T> more, Func<T, string> id)
    {
        var known = items.Select(id).ToHashSet(StringComparer.Ordinal);
        items.AddRange(more.Where(item => known.Add(id(item))));
    }
}

/// <summary>A source of directory content: an HSDS feed, a CSV export, a database, read as a stream of items.</summary>
public interface IDirectorySource
{
    /// <summary>A short name for reports, for example the file name.</summary>
    string Name { get; }

    /// <summary>
    /// Streams the source's items, not yet validated. A part that cannot be read comes as a <see cref="QuarantinedItem"/>;
    /// a source that cannot be read at all (missing file, missing required column) throws before the first item.
    /// </summary>
    IAsyncEnumerable<DirectoryItem> ReadAsync(CancellationToken cancellationToken = default);
}

/// <summary>Reading a directory source whole, for the snapshot builder.</summary>
public static class DirectorySourceExtensions
{
    /// <summary>Collects everything <paramref name="source"/> streams into one <see cref="DirectoryContent"/>.</summary>
    public static async Task<DirectoryContent> ReadContentAsync(this IDirectorySource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var content = new DirectoryContent();
        await foreach (var item in source.ReadAsync(cancellationToken).WithCancellation(cancellationToken))
        {
            content.Add(item);
        }

        return content;
    }
}
