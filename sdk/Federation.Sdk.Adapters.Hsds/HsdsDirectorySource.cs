using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Adapters.Hsds;

/// <summary>
/// Reads Open Referral HSDS 3.1 JSON as publishers and the HSDS API return it: single organization, service,
/// location or service_at_location documents (with their nested objects) and paged list responses ("contents"),
/// from one file or every .json file of a folder. What maps onto the directory is kept; what cannot be read is
/// quarantined with its file, JSON path and reason. Addresses and coordinates of redacted locations are never read
/// into the directory.
/// </summary>
internal sealed class HsdsDirectorySource : IDirectorySource
{
    private readonly string _path;
    private readonly HsdsDirectoryOptions _options;

    public HsdsDirectorySource(string path, HsdsDirectoryOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _options = options ?? new HsdsDirectoryOptions();
        Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
    }

    public string Name { get; }

    /// <summary>
    /// Streams the items of each file in turn: one file is parsed at a time and its items sent before the next is
    /// opened. An object found again exactly as it was sent (an organization nested under each of its services, a
    /// location under each service offered there) is sent once; one found again with other content is sent again, and
    /// the snapshot builder keeps the first. Throws <see cref="FileNotFoundException"/> when the path is neither a file
    /// nor a folder.
    /// </summary>
    public async IAsyncEnumerable<DirectoryItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sent = new HashSet<DirectoryItem>();
        var files = System.IO.Directory.Exists(_path)
            ? System.IO.Directory.EnumerateFiles(_path, "*.json").Order(StringComparer.Ordinal).ToArray()
            : File.Exists(_path) ? [_path] : throw new FileNotFoundException($"HSDS source '{_path}' is neither a file nor a folder.", _path);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var items = new List<DirectoryItem>();
            await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                JsonDocument? document = null;
                try
                {
                    document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
                }
                catch (JsonException e)
                {
                    items.Add(new QuarantinedItem(new QuarantinedRecord(Path.GetFileName(file), null, $"not JSON: {e.Message}")));
                }

                using (document)
                {
                    if (document is not null)
                    {
                        new HsdsDocumentReader(Path.GetFileName(file), _options, items).Read(document.RootElement);
                    }
                }
            }

            foreach (var item in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Items are records of protobuf messages, so equal content is an equal item.
                if (item is QuarantinedItem || sent.Add(item))
                {
                    yield return item;
                }
            }
        }
    }
}

/// <summary>Maps one HSDS document into directory items.</summary>
internal sealed class HsdsDocumentReader(string file, HsdsDirectoryOptions options, List<DirectoryItem> items)
{
    /// <summary>The eligibility and organization flags a term can stand for, besides service types and genders.</summary>
    public static readonly IReadOnlySet<string> FlagNames = new HashSet<string>(StringComparer.Ordinal) { "indigenous_led", "indigenous_specific", "two_spirit_lgbtqi_plus" };

    /// <summary>Whether a term code is one of the directory's: a service type, a gender served or a flag.</summary>
    public static bool IsDirectoryCode(string? code) =>
        code is not null
        && (DirectoryCodes.TryParseServiceType(code.Trim(), out _) || DirectoryCodes.TryParseGender(code.Trim(), out _)
            || FlagNames.Contains(code.Trim().ToLowerInvariant()));

    public void Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Quarantine("$", null, $"an HSDS document is a JSON object, not {root.ValueKind}");
            return;
        }

        if (root.TryGetProperty("contents", out var contents) && contents.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in contents.EnumerateArray())
            {
                ReadObject(item, $"$.contents[{i++}]");
            }

            return;
        }

        ReadObject(root, "$");
    }

    private void ReadObject(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            Quarantine(path, null, "not a JSON object");
        }
        else if (item.TryGetProperty("location_type", out _))
        {
            ReadLocation(item, path);
        }
        else if (item.TryGetProperty("service", out var service) && service.ValueKind == JsonValueKind.Object)
        {
            ReadServiceAtLocation(item, path, serviceId: null);
        }
        else if (item.TryGetProperty("status", out _))
        {
            ReadService(item, path, organizationId: null);
        }
        else if (item.TryGetProperty("name", out _))
        {
            ReadOrganization(item, path);
        }
        else
        {
            Quarantine(path, Text(item, "id"), "cannot tell which HSDS object this is (no location_type, service, status or name)");
        }
    }

    private string? ReadOrganization(JsonElement item, string path)
    {
        var id = Text(item, "id");
        var terms = Terms(item, path, id, "organization");
        items.Add(new OrganizationItem(new Organization
        {
            Id = id ?? string.Empty,
            Name = Text(item, "name") ?? string.Empty,
            Description = Text(item, "description") ?? string.Empty,
            Website = Text(item, "website") ?? string.Empty,
            IndigenousLed = terms.Contains("indigenous_led"),
        }));
        ForEach(item, "services", path, (s, p) => ReadService(s, p, id));
        ForEach(item, "locations", path, (l, p) => ReadLocation(l, p));
        return id;
    }

    private void ReadService(JsonElement item, string path, string? organizationId)
    {
        var id = Text(item, "id") ?? string.Empty;
        var status = Text(item, "status");
        if (status is not null && !string.Equals(status, "active", StringComparison.OrdinalIgnoreCase))
        {
            Quarantine(path, id, $"service status is '{status}': only active services are published");
            return;
        }

        if (item.TryGetProperty("organization", out var organization) && organization.ValueKind == JsonValueKind.Object)
        {
            organizationId = ReadOrganization(organization, $"{path}.organization");
        }

        organizationId ??= Text(item, "organization_id");
        var terms = Terms(item, path, id, "service");
        var service = new Service
        {
            Id = id,
            OrganizationId = organizationId ?? string.Empty,
            Name = Text(item, "name") ?? string.Empty,
            Description = Text(item, "description") ?? string.Empty,
            Url = Text(item, "url") ?? string.Empty,
            Eligibility = new Eligibility
            {
                IndigenousSpecific = terms.Contains("indigenous_specific"),
                TwoSpiritLgbtqiPlus = terms.Contains("two_spirit_lgbtqi_plus"),
            },
        };
        foreach (var term in terms)
        {
            if (DirectoryCodes.TryParseServiceType(term, out var type) && !service.ServiceTypes.Contains(type))
            {
                service.ServiceTypes.Add(type);
            }

            if (DirectoryCodes.TryParseGender(term, out var gender) && !service.Eligibility.Genders.Contains(gender))
            {
                service.Eligibility.Genders.Add(gender);
            }
        }

        // A service without a recognised type is still read: the snapshot builder quarantines it with the reason.
        ReadAges(item, path, service);
        service.Languages.AddRange(Languages(item));
        ForEach(item, "service_areas", path, (a, _) => service.ServiceAreas.Add(new ServiceArea { Name = Text(a, "name") ?? string.Empty }));
        service.Phone = FirstPhone(item) ?? string.Empty;
        ForEach(item, "capacities", path, (c, p) => ReadCapacity(c, p, service));
        items.Add(new ServiceItem(service));
        ForEach(item, "service_at_locations", path, (l, p) => ReadServiceAtLocation(l, p, id));
    }

    private void ReadAges(JsonElement item, string path, Service service)
    {
        foreach (var (name, set) in new (string, Action<int>)[] { ("minimum_age", a => service.Eligibility.MinimumAge = a), ("maximum_age", a => service.Eligibility.MaximumAge = a) })
        {
            if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var age) && age >= 0 && age <= int.MaxValue)
            {
                set((int)Math.Floor(age));
            }
            else
            {
                Quarantine($"{path}.{name}", service.Id, $"{name} '{value}' is not an age; the service is published without it");
            }
        }

        // HSDS has no field for minors; a service open to people under 18 accepts them.
        service.Eligibility.AcceptsMinors = service.Eligibility.HasMinimumAge && service.Eligibility.MinimumAge < 18;
    }

    private void ReadCapacity(JsonElement item, string path, Service service)
    {
        var id = Text(item, "id") ?? string.Empty;
        var unitName = item.TryGetProperty("unit", out var unit) && unit.ValueKind == JsonValueKind.Object ? Text(unit, "name") ?? Text(unit, "identifier") : Text(item, "unit");
        var capacity = new ServiceCapacity { Id = id, Description = Text(item, "description") ?? string.Empty };
        if (DirectoryCodes.TryParseUnit(unitName, out var parsed))
        {
            capacity.Unit = parsed;
        }
        else
        {
            Quarantine($"{path}.unit", service.Id, $"capacity '{id}': unit '{unitName}' is not a directory unit ({string.Join(", ", DirectoryCodes.UnitNames)})");
        }

        capacity.Available = Count(item, "available", path, service.Id);
        capacity.Maximum = Count(item, "maximum", path, service.Id);
        var updated = Text(item, "updated");
        if (updated is not null && DateTimeOffset.TryParse(updated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            capacity.Updated = Timestamp.FromDateTimeOffset(time);
        }
        else if (updated is not null)
        {
            // Else the builder could only say the time is missing, which would send the publisher looking for the wrong fault.
            Quarantine($"{path}.updated", service.Id, $"capacity '{id}': updated '{updated}' is not a date and time (ISO 8601, for example 2026-11-28T14:05:00-05:00)");
        }

        // Problems left (unit, counts, time) are reported by the snapshot builder, which withholds the capacity.
        service.Capacities.Add(capacity);
    }

    private int Count(JsonElement item, string name, string path, string serviceId)
    {
        if (item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count))
        {
            return count;
        }

        Quarantine($"{path}.{name}", serviceId, $"{name} '{(item.TryGetProperty(name, out var raw) ? raw.ToString() : "missing")}' is not a whole number");
        return -1;
    }

    private void ReadServiceAtLocation(JsonElement item, string path, string? serviceId)
    {
        if (item.TryGetProperty("service", out var service) && service.ValueKind == JsonValueKind.Object)
        {
            ReadService(service, $"{path}.service", organizationId: null);
            serviceId = Text(service, "id");
        }

        serviceId ??= Text(item, "service_id");
        string? locationId = null;
        if (item.TryGetProperty("location", out var location) && location.ValueKind == JsonValueKind.Object)
        {
            locationId = ReadLocation(location, $"{path}.location");
        }

        locationId ??= Text(item, "location_id");
        items.Add(new ServiceAtLocationItem(new ServiceAtLocation
        {
            Id = Text(item, "id") ?? string.Empty,
            ServiceId = serviceId ?? string.Empty,
            LocationId = locationId ?? string.Empty,
        }));
    }

    private string? ReadLocation(JsonElement item, string path)
    {
        var id = Text(item, "id") ?? string.Empty;
        var location = new Location { Id = id, Name = Text(item, "name") ?? string.Empty };
        location.Languages.AddRange(Languages(item));
        var type = Text(item, "location_type")?.ToLowerInvariant();
        var address = Address(item);
        switch (type)
        {
            case "physical" or "postal":
                if (address is { Country: { } country } && country is not ("CA" or "CAN" or "Canada"))
                {
                    Quarantine(path, id, $"location '{id}': the address is in country '{country}', not Canada");
                    return id;
                }

                location.Physical = new PhysicalLocation
                {
                    StreetAddress = address?.Street ?? string.Empty,
                    Municipality = address?.City ?? string.Empty,
                    Province = address?.Province ?? string.Empty,
                    PostalCode = address?.PostalCode ?? string.Empty,
                };
                if (Number(item, "latitude") is { } latitude && Number(item, "longitude") is { } longitude)
                {
                    location.Physical.Latitude = latitude;
                    location.Physical.Longitude = longitude;
                }

                break;
            case "redacted":
                // Only the area is read. Whatever else the feed exposes stays in the province; say so, so it can be fixed at the source.
                location.Redacted = new RedactedLocation { ServiceArea = address?.City ?? address?.Region ?? string.Empty };
                if (address?.Street is not null || address?.PostalCode is not null || Number(item, "latitude") is not null)
                {
                    Quarantine(path, id, $"location '{id}' is redacted but the feed exposes its address or coordinates: withheld, only the area is published");
                }

                break;
            case "virtual":
                location.Virtual = new VirtualLocation { Url = Text(item, "url") ?? string.Empty };
                break;
            default:
                Quarantine(path, id, $"location '{id}': location_type '{type}' is not physical, postal, virtual or redacted");
                return id;
        }

        items.Add(new LocationItem(location));
        return id;
    }

    private static HsdsAddress? Address(JsonElement item)
    {
        if (!item.TryGetProperty("addresses", out var addresses) || addresses.ValueKind != JsonValueKind.Array || addresses.GetArrayLength() == 0)
        {
            return null;
        }

        var chosen = addresses.EnumerateArray().FirstOrDefault(a => Text(a, "address_type") == "physical");
        if (chosen.ValueKind != JsonValueKind.Object)
        {
            chosen = addresses[0];
        }

        var street = string.Join(", ", new[] { Text(chosen, "address_1"), Text(chosen, "address_2") }.Where(s => s is not null));
        var province = Text(chosen, "state_province");
        var code = Jurisdiction.All.FirstOrDefault(j => string.Equals(j, province, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Jurisdiction.NameOf(j), province, StringComparison.OrdinalIgnoreCase));
        return new HsdsAddress(
            street.Length == 0 ? null : street,
            Text(chosen, "city"),
            Text(chosen, "region"),
            code ?? province,
            Text(chosen, "postal_code"),
            Text(chosen, "country"));
    }

    private static IEnumerable<Language> Languages(JsonElement item) =>
        item.TryGetProperty("languages", out var languages) && languages.ValueKind == JsonValueKind.Array
            ? languages.EnumerateArray().Select(l => new Language { Code = (Text(l, "code") ?? string.Empty).Trim().ToLowerInvariant(), Name = Text(l, "name") ?? string.Empty })
            : [];

    private static string? FirstPhone(JsonElement item) =>
        item.TryGetProperty("phones", out var phones) && phones.ValueKind == JsonValueKind.Array
            ? phones.EnumerateArray().Select(p => Text(p, "number")).FirstOrDefault(n => n is not null)
            : null;

    /// <summary>
    /// The directory codes an item's attributes stand for: terms of the federation taxonomy, and mapped publisher terms.
    /// A federation term that is no directory code is a mistake in the feed, so it is reported, not passed over.
    /// </summary>
    private HashSet<string> Terms(JsonElement item, string path, string? id, string kind)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        if (!item.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Array)
        {
            return codes;
        }

        var index = -1;
        foreach (var attribute in attributes.EnumerateArray())
        {
            index++;
            if (!attribute.TryGetProperty("taxonomy_term", out var term) || term.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var code = Text(term, "code");
            var name = Text(term, "name");
            var taxonomy = Text(term, "taxonomy")
                ?? (term.TryGetProperty("taxonomy_detail", out var detail) && detail.ValueKind == JsonValueKind.Object ? Text(detail, "name") : null);
            if (string.Equals(taxonomy, HsdsDirectoryOptions.FederationTaxonomy, StringComparison.OrdinalIgnoreCase) && code is not null)
            {
                if (IsDirectoryCode(code))
                {
                    codes.Add(code.Trim().ToLowerInvariant());
                }
                else
                {
                    Quarantine(
                        $"{path}.attributes[{index}]",
                        id,
                        $"{(kind == "service" ? "service_types" : "attributes")}: '{code}' of the {HsdsDirectoryOptions.FederationTaxonomy} taxonomy is not a directory code " +
                        $"(service types {string.Join(", ", DirectoryCodes.ServiceTypeNames)}; genders {string.Join(", ", DirectoryCodes.GenderNames)}; flags {string.Join(", ", FlagNames)}); " +
                        $"withheld, the rest of the {kind} is kept");
                }
            }

            foreach (var key in new[] { code, name })
            {
                if (key is not null && options.Terms.TryGetValue(key, out var mapped))
                {
                    codes.Add(mapped.Trim().ToLowerInvariant());
                }
            }
        }

        return codes;
    }

    private static void ForEach(JsonElement item, string property, string path, Action<JsonElement, string> read)
    {
        if (!item.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            read(element, $"{path}.{property}[{i++}]");
        }
    }

    private static string? Text(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;

    private static double? Number(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private void Quarantine(string path, string? id, string reason) =>
        items.Add(new QuarantinedItem(new QuarantinedRecord($"{file} {path}", id, reason)));

    private sealed record HsdsAddress(string? Street, string? City, string? Region, string? Province, string? PostalCode, string? Country);
}
