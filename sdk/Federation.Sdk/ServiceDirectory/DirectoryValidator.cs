using System.Text.RegularExpressions;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Submissions;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// The rules a directory release must meet, shared by node and gateway so they can never disagree: identifiers
/// present and unique, references resolved, codes known, capacity sane (0 &lt;= available &lt;= maximum, counted no later
/// than now), languages ISO 639, age ranges plausible, and no address anywhere near a confidential location.
/// </summary>
public sealed partial class DirectoryValidator
{
    /// <summary>How far in the future a count's time may be before it is refused: clocks of providers, nodes and gateway differ.</summary>
    public static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(5);

    public const int MaximumAge = 120;
    public const int MaximumIdLength = 100;
    public const int MaximumNameLength = 300;
    public const int MaximumDescriptionLength = 4000;
    public const int MaximumReadingsPerUpdate = 50_000;
    public const int MaximumViolationsReported = 100;

    // Canada's extent, so a coordinate pair swapped, unsigned or from another country is caught.
    private const double SouthernmostLatitude = 41.6;
    private const double NorthernmostLatitude = 83.2;
    private const double WesternmostLongitude = -141.1;
    private const double EasternmostLongitude = -52.5;

    private static readonly DateTimeOffset s_earliestCount = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TimeProvider _timeProvider;

    public DirectoryValidator(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>Every rule the release breaks, with field paths such as "release.snapshot.services[3].capacities[0].available".</summary>
    public IReadOnlyList<FieldViolation> Validate(DirectoryRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var violations = new ViolationList(MaximumViolationsReported, "release");
        if (!Jurisdiction.IsValid(release.Jurisdiction))
        {
            violations.Add("release.jurisdiction", $"'{release.Jurisdiction}' is not a jurisdiction code. Codes: {string.Join(", ", Jurisdiction.All)}.");
        }

        if (release.ProducedAt is null)
        {
            violations.Add("release.produced_at", "produced_at is missing.");
        }
        else if (!IsValidTime(release.ProducedAt))
        {
            violations.Add("release.produced_at", "produced_at is not a valid timestamp (seconds or nanos out of range).");
        }
        else if (release.ProducedAt.ToDateTimeOffset() > _timeProvider.GetUtcNow() + ClockSkewTolerance)
        {
            violations.Add("release.produced_at", $"produced_at {release.ProducedAt.ToDateTimeOffset():u} is in the future.");
        }

        if (string.IsNullOrWhiteSpace(release.NodeId))
        {
            violations.Add("release.node_id", "node_id is missing.");
        }

        switch (release.ContentCase)
        {
            case DirectoryRelease.ContentOneofCase.Snapshot:
                CheckSnapshot(release.Snapshot, release.Jurisdiction, "release.snapshot", violations);
                break;
            case DirectoryRelease.ContentOneofCase.CapacityUpdate:
                CheckCapacityUpdate(release.CapacityUpdate, "release.capacity_update", violations);
                break;
            default:
                violations.Add("release.content", "The release carries neither a snapshot nor a capacity update.");
                break;
        }

        return violations.ToList();
    }

    internal void CheckSnapshot(DirectorySnapshot snapshot, string jurisdiction, string path, ViolationList violations)
    {
        var organizations = CheckUniqueIds(snapshot.Organizations, o => o.Id, $"{path}.organizations", violations);
        var services = CheckUniqueIds(snapshot.Services, s => s.Id, $"{path}.services", violations);
        var locations = CheckUniqueIds(snapshot.Locations, l => l.Id, $"{path}.locations", violations);
        CheckUniqueIds(snapshot.ServiceAtLocations, l => l.Id, $"{path}.service_at_locations", violations);

        var residentialOrganizations = OrganizationsRunningResidentialServices(snapshot.Services);
        for (var i = 0; i < snapshot.Organizations.Count; i++)
        {
            var organization = snapshot.Organizations[i];
            CheckOrganization(organization, residentialOrganizations.Contains(organization.Id), $"{path}.organizations[{i}]", violations);
        }

        for (var i = 0; i < snapshot.Services.Count; i++)
        {
            var service = snapshot.Services[i];
            CheckService(service, $"{path}.services[{i}]", violations);
            if (!string.IsNullOrEmpty(service.OrganizationId) && !organizations.ContainsKey(service.OrganizationId))
            {
                violations.Add($"{path}.services[{i}].organization_id", $"Service '{service.Id}' names organization '{service.OrganizationId}', which is not in the snapshot.");
            }
        }

        for (var i = 0; i < snapshot.Locations.Count; i++)
        {
            CheckLocation(snapshot.Locations[i], jurisdiction, $"{path}.locations[{i}]", violations);
        }

        for (var i = 0; i < snapshot.ServiceAtLocations.Count; i++)
        {
            CheckServiceAtLocation(snapshot.ServiceAtLocations[i], services, locations, $"{path}.service_at_locations[{i}]", violations);
        }
    }

    internal void CheckCapacityUpdate(CapacityUpdate update, string path, ViolationList violations)
    {
        if (update.Readings.Count == 0)
        {
            violations.Add($"{path}.readings", "A capacity update needs at least one reading.");
        }
        else if (update.Readings.Count > MaximumReadingsPerUpdate)
        {
            violations.Add($"{path}.readings", $"{update.Readings.Count} readings is more than {MaximumReadingsPerUpdate} in one update; split it.");
        }

        for (var i = 0; i < update.Readings.Count; i++)
        {
            var reading = update.Readings[i];
            CheckId(reading.ServiceId, $"{path}.readings[{i}].service_id", violations);
            if (reading.Capacity is null)
            {
                violations.Add($"{path}.readings[{i}].capacity", "The reading carries no capacity.");
            }
            else
            {
                CheckCapacity(reading.Capacity, $"{path}.readings[{i}].capacity", violations);
            }
        }
    }

    /// <summary>The ids of organizations that run a residential service (shelter, safe house): their text must not locate it.</summary>
    public static HashSet<string> OrganizationsRunningResidentialServices(IEnumerable<Service> services) =>
        services.Where(s => s.ServiceTypes.Any(DirectoryCodes.IsResidential)).Select(s => s.OrganizationId).ToHashSet(StringComparer.Ordinal);

    internal static void CheckOrganization(Organization organization, bool runsResidentialService, string path, ViolationList violations)
    {
        CheckId(organization.Id, $"{path}.id", violations);
        CheckText(organization.Name, MaximumNameLength, required: true, $"{path}.name", violations);
        CheckText(organization.Description, MaximumDescriptionLength, required: false, $"{path}.description", violations);
        CheckUrl(organization.Website, $"{path}.website", violations);
        if (runsResidentialService)
        {
            var what = $"Organization '{organization.Id}' runs a shelter or safe house";
            CheckNoAddress(organization.Name, what, $"{path}.name", violations);
            CheckNoAddress(organization.Description, what, $"{path}.description", violations);
            CheckNoAddress(organization.Website, what, $"{path}.website", violations);
        }
    }

    internal void CheckService(Service service, string path, ViolationList violations)
    {
        CheckId(service.Id, $"{path}.id", violations);
        CheckId(service.OrganizationId, $"{path}.organization_id", violations);
        CheckText(service.Name, MaximumNameLength, required: true, $"{path}.name", violations);
        CheckText(service.Description, MaximumDescriptionLength, required: false, $"{path}.description", violations);
        CheckUrl(service.Url, $"{path}.url", violations);
        if (service.ServiceTypes.Any(DirectoryCodes.IsResidential))
        {
            var what = $"Service '{service.Id}' is residential";
            CheckNoAddress(service.Name, what, $"{path}.name", violations);
            CheckNoAddress(service.Description, what, $"{path}.description", violations);
            CheckNoAddress(service.Url, what, $"{path}.url", violations);
        }
        if (service.Phone.Length > 0 && !PhoneNumber().IsMatch(service.Phone))
        {
            violations.Add($"{path}.phone", $"'{service.Phone}' is not a phone number (digits, spaces, + ( ) - . and an optional extension 'ext 123').");
        }

        if (service.ServiceTypes.Count == 0)
        {
            violations.Add($"{path}.service_types", $"Service '{service.Id}' has no type. Types: {string.Join(", ", DirectoryCodes.ServiceTypeNames)}.");
        }

        for (var i = 0; i < service.ServiceTypes.Count; i++)
        {
            var type = service.ServiceTypes[i];
            if (type == ServiceType.Unspecified || !Enum.IsDefined(type))
            {
                violations.Add($"{path}.service_types[{i}]", $"{(int)type} is not a service type. Types: {string.Join(", ", DirectoryCodes.ServiceTypeNames)}.");
            }
            else if (service.ServiceTypes.Take(i).Contains(type))
            {
                violations.Add($"{path}.service_types[{i}]", $"Type {DirectoryCodes.NameOf(type)} is listed twice.");
            }
        }

        CheckEligibility(service.Eligibility, $"{path}.eligibility", violations);
        CheckLanguages(service.Languages, $"{path}.languages", violations);
        for (var i = 0; i < service.ServiceAreas.Count; i++)
        {
            CheckArea(service.ServiceAreas[i].Name, $"{path}.service_areas[{i}].name", violations);
        }

        for (var i = 0; i < service.Capacities.Count; i++)
        {
            CheckCapacity(service.Capacities[i], $"{path}.capacities[{i}]", violations);
            if (service.Capacities.Take(i).Any(c => c.Id == service.Capacities[i].Id))
            {
                violations.Add($"{path}.capacities[{i}].id", $"Capacity id '{service.Capacities[i].Id}' is used twice in service '{service.Id}'.");
            }
        }
    }

    internal void CheckCapacity(ServiceCapacity capacity, string path, ViolationList violations)
    {
        CheckId(capacity.Id, $"{path}.id", violations);
        if (capacity.Unit == CapacityUnit.Unspecified || !Enum.IsDefined(capacity.Unit))
        {
            violations.Add($"{path}.unit", $"The capacity has no known unit. Units: {string.Join(", ", DirectoryCodes.UnitNames)}.");
        }

        if (capacity.Available < 0)
        {
            violations.Add($"{path}.available", $"available {capacity.Available} is negative.");
        }

        if (capacity.Maximum <= 0)
        {
            violations.Add($"{path}.maximum", $"maximum {capacity.Maximum} is not positive; a service without room to offer reports no capacity.");
        }
        else if (capacity.Available > capacity.Maximum)
        {
            violations.Add($"{path}.available", $"available {capacity.Available} is more than maximum {capacity.Maximum}.");
        }

        CheckText(capacity.Description, MaximumDescriptionLength, required: false, $"{path}.description", violations);
        if (capacity.Updated is null)
        {
            violations.Add($"{path}.updated", "The time the capacity was counted (updated) is missing.");
            return;
        }

        if (!IsValidTime(capacity.Updated))
        {
            violations.Add($"{path}.updated", "updated is not a valid timestamp (seconds or nanos out of range).");
            return;
        }

        var updated = capacity.Updated.ToDateTimeOffset();
        var now = _timeProvider.GetUtcNow();
        if (updated > now + ClockSkewTolerance)
        {
            violations.Add($"{path}.updated", $"updated {updated:u} is in the future (now is {now:u}).");
        }
        else if (updated < s_earliestCount)
        {
            violations.Add($"{path}.updated", $"updated {updated:u} is before {s_earliestCount:yyyy}: not a plausible count time.");
        }
    }

    internal static void CheckLocation(Location location, string jurisdiction, string path, ViolationList violations)
    {
        CheckId(location.Id, $"{path}.id", violations);
        CheckText(location.Name, MaximumNameLength, required: false, $"{path}.name", violations);
        CheckLanguages(location.Languages, $"{path}.languages", violations);
        switch (location.KindCase)
        {
            case Location.KindOneofCase.Physical:
                CheckPhysical(location.Physical, jurisdiction, $"{path}.physical", violations);
                break;
            case Location.KindOneofCase.Redacted:
                if (string.IsNullOrWhiteSpace(location.Redacted.ServiceArea))
                {
                    violations.Add($"{path}.redacted.service_area", "A redacted location must name its service area (municipality or region).");
                }
                else
                {
                    CheckArea(location.Redacted.ServiceArea, $"{path}.redacted.service_area", violations);
                }

                // The name of a safe house can itself give it away ("Maison X on Y street"): same check as an area.
                if (location.Name.Length > 0)
                {
                    CheckArea(location.Name, $"{path}.name", violations);
                }

                break;
            case Location.KindOneofCase.Virtual:
                CheckUrl(location.Virtual.Url, $"{path}.virtual.url", violations);
                break;
            default:
                violations.Add($"{path}.kind", $"Location '{location.Id}' is neither physical, redacted nor virtual.");
                break;
        }
    }

    internal static void CheckServiceAtLocation(
        ServiceAtLocation link,
        IReadOnlyDictionary<string, Service> services,
        IReadOnlyDictionary<string, Location> locations,
        string path,
        ViolationList violations)
    {
        CheckId(link.Id, $"{path}.id", violations);
        services.TryGetValue(link.ServiceId, out var service);
        locations.TryGetValue(link.LocationId, out var location);
        if (service is null)
        {
            violations.Add($"{path}.service_id", $"Service '{link.ServiceId}' is not in the snapshot.");
        }

        if (location is null)
        {
            violations.Add($"{path}.location_id", $"Location '{link.LocationId}' is not in the snapshot.");
        }

        if (service is not null && location?.KindCase == Location.KindOneofCase.Physical && service.ServiceTypes.Any(DirectoryCodes.IsResidential))
        {
            violations.Add(
                $"{path}.location_id",
                $"Service '{service.Id}' is residential ({string.Join(", ", service.ServiceTypes.Where(DirectoryCodes.IsResidential).Select(DirectoryCodes.NameOf))}) " +
                $"but location '{location.Id}' is physical, with an address: the locations of shelters and safe houses must be redacted.");
        }
    }

    /// <summary>Whether text looks like a street address, a postal code or coordinates, which a service area must never be.</summary>
    public static bool LooksLikeAddress(string text) =>
        PostalCode().IsMatch(text) || StreetAddress().IsMatch(text) || Coordinates().IsMatch(text);

    private static void CheckPhysical(PhysicalLocation physical, string jurisdiction, string path, ViolationList violations)
    {
        CheckText(physical.StreetAddress, MaximumNameLength, required: false, $"{path}.street_address", violations);
        CheckText(physical.Municipality, MaximumNameLength, required: true, $"{path}.municipality", violations);
        if (physical.Province.Length > 0 && physical.Province != jurisdiction)
        {
            violations.Add($"{path}.province", $"Province '{physical.Province}' is not the release's jurisdiction '{jurisdiction}'.");
        }

        if (physical.PostalCode.Length > 0 && !PostalCode().IsMatch(physical.PostalCode))
        {
            violations.Add($"{path}.postal_code", $"'{physical.PostalCode}' is not a Canadian postal code (A1A 1A1).");
        }

        if (physical.HasLatitude != physical.HasLongitude)
        {
            violations.Add($"{path}.{(physical.HasLatitude ? "longitude" : "latitude")}", "Coordinates need both latitude and longitude.");
        }
        else if (physical.HasLatitude)
        {
            if (physical.Latitude is < SouthernmostLatitude or > NorthernmostLatitude || double.IsNaN(physical.Latitude))
            {
                violations.Add($"{path}.latitude", $"Latitude {physical.Latitude} is not in Canada ({SouthernmostLatitude} to {NorthernmostLatitude}).");
            }

            if (physical.Longitude is < WesternmostLongitude or > EasternmostLongitude || double.IsNaN(physical.Longitude))
            {
                violations.Add($"{path}.longitude", $"Longitude {physical.Longitude} is not in Canada ({WesternmostLongitude} to {EasternmostLongitude}).");
            }
        }
    }

    private static void CheckEligibility(Eligibility? eligibility, string path, ViolationList violations)
    {
        if (eligibility is null)
        {
            return;
        }

        foreach (var (has, age, name) in new[] { (eligibility.HasMinimumAge, eligibility.MinimumAge, "minimum_age"), (eligibility.HasMaximumAge, eligibility.MaximumAge, "maximum_age") })
        {
            if (has && age is < 0 or > MaximumAge)
            {
                violations.Add($"{path}.{name}", $"{name} {age} is outside 0-{MaximumAge}.");
            }
        }

        if (eligibility.HasMinimumAge && eligibility.HasMaximumAge && eligibility.MinimumAge > eligibility.MaximumAge)
        {
            violations.Add($"{path}.maximum_age", $"maximum_age {eligibility.MaximumAge} is below minimum_age {eligibility.MinimumAge}.");
        }

        if (eligibility.HasMinimumAge && eligibility.MinimumAge >= 18 && eligibility.AcceptsMinors)
        {
            violations.Add($"{path}.accepts_minors", $"accepts_minors is set but minimum_age is {eligibility.MinimumAge}.");
        }

        if (eligibility.HasMaximumAge && eligibility.MaximumAge < 18 && !eligibility.AcceptsMinors)
        {
            violations.Add($"{path}.accepts_minors", $"The service serves people up to {eligibility.MaximumAge} only, yet accepts_minors is not set.");
        }

        for (var i = 0; i < eligibility.Genders.Count; i++)
        {
            var gender = eligibility.Genders[i];
            if (gender == ServedGender.Unspecified || !Enum.IsDefined(gender))
            {
                violations.Add($"{path}.genders[{i}]", $"{(int)gender} is not a gender served. Genders: {string.Join(", ", DirectoryCodes.GenderNames)}.");
            }
            else if (eligibility.Genders.Take(i).Contains(gender))
            {
                violations.Add($"{path}.genders[{i}]", $"{DirectoryCodes.NameOf(gender)} is listed twice.");
            }
        }
    }

    private static void CheckLanguages(Google.Protobuf.Collections.RepeatedField<Language> languages, string path, ViolationList violations)
    {
        for (var i = 0; i < languages.Count; i++)
        {
            var code = languages[i].Code;
            if (!LanguageCodes.IsValid(code) || code != LanguageCodes.Normalize(code))
            {
                violations.Add($"{path}[{i}].code", $"'{code}' is not an ISO 639 language code in lower case (for example en, fr, cr, iu, crk).");
            }

            CheckText(languages[i].Name, MaximumNameLength, required: false, $"{path}[{i}].name", violations);
        }
    }

    private static void CheckNoAddress(string text, string what, string path, ViolationList violations)
    {
        if (LooksLikeAddress(text))
        {
            violations.Add(path, $"{what}: its free text must not locate it, and this looks like a street address, postal code or coordinates.");
        }
    }

    private static void CheckArea(string area, string path, ViolationList violations)
    {
        CheckText(area, MaximumNameLength, required: true, path, violations);
        if (LooksLikeAddress(area))
        {
            violations.Add(path, "A service area names a municipality or region; this looks like a street address, postal code or coordinates.");
        }
    }

    private static Dictionary<string, T> CheckUniqueIds<T>(IReadOnlyList<T> items, Func<T, string> id, string path, ViolationList violations)
    {
        var seen = new Dictionary<string, T>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var key = id(items[i]);
            if (key.Length > 0 && !seen.TryAdd(key, items[i]))
            {
                violations.Add($"{path}[{i}].id", $"Id '{key}' is used twice.");
            }
        }

        return seen;
    }

    // The range google.protobuf.Timestamp defines (years 0001-9999); outside it ToDateTimeOffset throws.
    private static bool IsValidTime(Google.Protobuf.WellKnownTypes.Timestamp time) =>
        time.Seconds is >= -62_135_596_800 and <= 253_402_300_799 && time.Nanos is >= 0 and <= 999_999_999;

    private static void CheckId(string id, string path, ViolationList violations)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            violations.Add(path, "The identifier is missing.");
        }
        else if (id.Length > MaximumIdLength || id.Any(char.IsControl))
        {
            violations.Add(path, $"The identifier is longer than {MaximumIdLength} characters or holds control characters.");
        }
    }

    private static void CheckText(string text, int maximumLength, bool required, string path, ViolationList violations)
    {
        if (required && string.IsNullOrWhiteSpace(text))
        {
            violations.Add(path, "The value is missing.");
        }
        else if (text.Length > maximumLength)
        {
            violations.Add(path, $"The value is {text.Length} characters long; at most {maximumLength}.");
        }
    }

    private static void CheckUrl(string url, string path, ViolationList violations)
    {
        if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            violations.Add(path, $"'{url}' is not an http(s) address.");
        }
    }

    [GeneratedRegex(@"^\+?[0-9][0-9 ().\-]{5,24}(\s*(x|ext\.?)\s*[0-9]{1,6})?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PhoneNumber();

    [GeneratedRegex(@"\b[A-Z][0-9][A-Z][ -]?[0-9][A-Z][0-9]\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PostalCode();

    [GeneratedRegex(
        @"\b[0-9]{1,6}[A-Z]?,?\s+(?:[\p{L}'.\-]+\s+){0,4}(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|crescent|cres|court|ct|place|pl|way|highway|hwy|rue|chemin|ch|boul|rang|route|rte)\b|\b[0-9]{1,6},?\s+(?:rue|chemin|boulevard|boul|avenue|av|rang|route)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StreetAddress();

    [GeneratedRegex(@"-?[0-9]{1,3}\.[0-9]{3,}\s*[,;]\s*-?[0-9]{1,3}\.[0-9]{3,}", RegexOptions.CultureInvariant)]
    private static partial Regex Coordinates();
}
