using Federation.Contracts.V1;
using Federation.Sdk.Validation;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// One item a directory source streams: an organization, a service, a location, a service at a location, or a part
/// of the source it could not read (<see cref="QuarantinedItem"/>, with where it was and why).
/// </summary>
public abstract record DirectoryItem;

/// <summary>An organization read from a directory source.</summary>
public sealed record OrganizationItem(Organization Organization) : DirectoryItem;

/// <summary>A service read from a directory source.</summary>
public sealed record ServiceItem(Service Service) : DirectoryItem;

/// <summary>A location read from a directory source.</summary>
public sealed record LocationItem(Location Location) : DirectoryItem;

/// <summary>A link between a service and a location where it is offered.</summary>
public sealed record ServiceAtLocationItem(ServiceAtLocation ServiceAtLocation) : DirectoryItem;

/// <summary>A part of the source held back by the adapter: its location in the source, the item's id if known, and the reason.</summary>
public sealed record QuarantinedItem(QuarantinedRecord Record) : DirectoryItem;
