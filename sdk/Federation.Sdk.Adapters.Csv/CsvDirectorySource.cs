using System.Globalization;
using System.Runtime.CompilerServices;
using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// Reads a service directory from a CSV export: one row per service at a location (columns in README.md). A service
/// on several rows is offered at several locations; its own columns are taken from its first row. Rows of
/// confidential locations (location_type "redacted") give only their municipality: street, postal code and
/// coordinates are never read.
/// </summary>
internal sealed class CsvDirectorySource : IDirectorySource
{
    public static readonly IReadOnlyList<string> RequiredColumns =
        ["service_id", "organization_id", "organization_name", "service_name", "service_types", "location_id", "location_type", "municipality"];

    private readonly string _path;
    private readonly char _delimiter;

    public CsvDirectorySource(string path, char delimiter = ',')
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _delimiter = delimiter;
        Name = Path.GetFileName(path);
    }

    public string Name { get; }

    /// <summary>
    /// Streams the export's items row by row; only the ids already seen are kept, so a service or location on several
    /// rows is sent once. Throws <see cref="InvalidDataException"/> before the first item when a required column is missing.
    /// </summary>
    public async IAsyncEnumerable<DirectoryItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new SeenIds();
        var items = new List<DirectoryItem>();
        await foreach (var row in CsvTable.ReadAsync(_path, _delimiter, RequiredColumns, cancellationToken))
        {
            items.Clear();
            ReadRow(row, seen, items);
            foreach (var item in items)
            {
                // A row gives up to four items: a cancelled read stops between them, not at the next row.
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
            }
        }
    }

    private static void ReadRow(CsvNamedRow row, SeenIds seen, List<DirectoryItem> items)
    {
        if (row.Error is not null)
        {
            items.Add(new QuarantinedItem(new QuarantinedRecord(row.Location, row["service_id"], row.Error)));
            return;
        }

        var problems = new List<string>();
        var organizationId = row["organization_id"] ?? string.Empty;
        if (seen.Organizations.Add(organizationId))
        {
            items.Add(new OrganizationItem(new Organization
            {
                Id = organizationId,
                Name = row["organization_name"] ?? string.Empty,
                Website = row["organization_website"] ?? string.Empty,
                IndigenousLed = Flag(row, "organization_indigenous_led", problems),
            }));
        }

        var serviceId = row["service_id"] ?? string.Empty;
        if (!seen.Services.Contains(serviceId))
        {
            var service = ReadService(row, serviceId, organizationId, problems);
            if (problems.Count > 0)
            {
                items.Add(new QuarantinedItem(new QuarantinedRecord(row.Location, serviceId, string.Join("; ", problems))));
                return;
            }

            seen.Services.Add(serviceId);
            items.Add(new ServiceItem(service));
        }

        var locationId = row["location_id"] ?? string.Empty;
        if (seen.Locations.Add(locationId))
        {
            var notes = new List<QuarantinedRecord>();
            var location = ReadLocation(row, locationId, notes);
            items.AddRange(notes.Select(note => new QuarantinedItem(note)));
            if (location is null)
            {
                return;
            }

            items.Add(new LocationItem(location));
        }

        items.Add(new ServiceAtLocationItem(new ServiceAtLocation { Id = $"{serviceId}@{locationId}", ServiceId = serviceId, LocationId = locationId }));
    }

    private static Service ReadService(CsvNamedRow row, string serviceId, string organizationId, List<string> problems)
    {
        var service = new Service
        {
            Id = serviceId,
            OrganizationId = organizationId,
            Name = row["service_name"] ?? string.Empty,
            Description = row["description"] ?? string.Empty,
            Phone = row["phone"] ?? string.Empty,
            Url = row["url"] ?? string.Empty,
            Eligibility = new Eligibility
            {
                AcceptsMinors = Flag(row, "accepts_minors", problems),
                IndigenousSpecific = Flag(row, "indigenous_specific", problems),
                TwoSpiritLgbtqiPlus = Flag(row, "two_spirit_lgbtqi_plus", problems),
            },
        };
        foreach (var name in row.List("service_types"))
        {
            if (DirectoryCodes.TryParseServiceType(name, out var type))
            {
                service.ServiceTypes.Add(type);
            }
            else
            {
                problems.Add($"service_types: '{name}' is not a service type ({string.Join(", ", DirectoryCodes.ServiceTypeNames)})");
            }
        }

        foreach (var name in row.List("genders"))
        {
            if (DirectoryCodes.TryParseGender(name, out var gender))
            {
                service.Eligibility.Genders.Add(gender);
            }
            else
            {
                problems.Add($"genders: '{name}' is not a gender served ({string.Join(", ", DirectoryCodes.GenderNames)})");
            }
        }

        if (Integer(row, "minimum_age", problems) is { } minimum)
        {
            service.Eligibility.MinimumAge = minimum;
        }

        if (Integer(row, "maximum_age", problems) is { } maximum)
        {
            service.Eligibility.MaximumAge = maximum;
        }

        service.Languages.AddRange(row.List("languages").Select(code => new Language { Code = code.ToLowerInvariant(), Name = LanguageCodes.NameOf(code) ?? string.Empty }));
        service.ServiceAreas.AddRange(row.List("service_areas").Select(area => new ServiceArea { Name = area }));
        if (row["capacity_unit"] is not null || row["maximum"] is not null)
        {
            var capacity = new ServiceCapacity { Id = row["capacity_id"] ?? "capacity", Description = row["capacity_description"] ?? string.Empty };
            if (DirectoryCodes.TryParseUnit(row["capacity_unit"], out var unit))
            {
                capacity.Unit = unit;
            }
            else
            {
                problems.Add($"capacity_unit: '{row["capacity_unit"]}' is not a unit ({string.Join(", ", DirectoryCodes.UnitNames)})");
            }

            capacity.Available = Integer(row, "available", problems) ?? -1;
            capacity.Maximum = Integer(row, "maximum", problems) ?? 0;
            capacity.Updated = Time(row, "capacity_updated", problems);
            service.Capacities.Add(capacity);
        }

        return service;
    }

    private static Location? ReadLocation(CsvNamedRow row, string locationId, List<QuarantinedRecord> quarantined)
    {
        var location = new Location { Id = locationId, Name = row["location_name"] ?? string.Empty };
        switch (row["location_type"]?.ToLowerInvariant())
        {
            case "physical":
                location.Physical = new PhysicalLocation
                {
                    StreetAddress = row["street_address"] ?? string.Empty,
                    Municipality = row["municipality"] ?? string.Empty,
                    Province = row["province"] ?? string.Empty,
                    PostalCode = row["postal_code"] ?? string.Empty,
                };
                var problems = new List<string>();
                if (Number(row, "latitude", problems) is { } latitude && Number(row, "longitude", problems) is { } longitude)
                {
                    location.Physical.Latitude = latitude;
                    location.Physical.Longitude = longitude;
                }

                if (problems.Count > 0)
                {
                    quarantined.Add(new QuarantinedRecord(row.Location, locationId, $"coordinates withheld: {string.Join("; ", problems)}"));
                }

                return location;
            case "redacted":
                location.Redacted = new RedactedLocation { ServiceArea = row["municipality"] ?? string.Empty };
                if (row["street_address"] is not null || row["postal_code"] is not null || row["latitude"] is not null || row["longitude"] is not null)
                {
                    quarantined.Add(new QuarantinedRecord(row.Location, locationId, "the location is redacted but the export has its address or coordinates: withheld, only the municipality is published"));
                }

                return location;
            case "virtual":
                location.Virtual = new VirtualLocation { Url = row["url"] ?? string.Empty };
                return location;
            default:
                quarantined.Add(new QuarantinedRecord(row.Location, locationId, $"location_type '{row["location_type"]}' is not physical, redacted or virtual"));
                return null;
        }
    }

    internal static bool Flag(CsvNamedRow row, string column, List<string> problems)
    {
        switch (row[column]?.ToLowerInvariant())
        {
            case null or "no" or "false" or "0" or "n":
                return false;
            case "yes" or "true" or "1" or "y":
                return true;
            default:
                problems.Add($"{column}: '{row[column]}' is not yes or no");
                return false;
        }
    }

    internal static int? Integer(CsvNamedRow row, string column, List<string> problems)
    {
        var text = row[column];
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{column}: '{text}' is not a whole number");
        return null;
    }

    internal static Timestamp? Time(CsvNamedRow row, string column, List<string> problems)
    {
        var text = row[column];
        if (text is null)
        {
            problems.Add($"{column} is missing: a count needs the time it was taken");
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return Timestamp.FromDateTimeOffset(time);
        }

        problems.Add($"{column}: '{text}' is not a date and time (ISO 8601, for example 2026-11-28T14:05:00-05:00)");
        return null;
    }

    private static double? Number(CsvNamedRow row, string column, List<string> problems)
    {
        var text = row[column];
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{column}: '{text}' is not a number");
        return null;
    }

    /// <summary>The ids a read has already sent.</summary>
    private sealed class SeenIds
    {
        public HashSet<string> Organizations { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Services { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Locations { get; } = new(StringComparer.Ordinal);
    }
}
