using System.Text.RegularExpressions;
using Federation.Contracts.V1;
using Federation.Sdk.Submissions;
using Federation.Sdk.Validation;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// Turns what adapters read into a snapshot the gateway will accept. Each item is checked with the
/// <see cref="DirectoryValidator"/> rules: a bad part of an item (a capacity, a language, a phone number, coordinates)
/// is withheld and the rest kept; an item that cannot stand (no id, no name, no type, unknown organization) is
/// quarantined. Locations of shelters and safe houses are redacted to their municipality whatever the source said.
/// Every withheld part and quarantined item is reported with its reason.
/// </summary>
public sealed partial class DirectorySnapshotBuilder
{
    private readonly DirectoryValidator _validator;

    public DirectorySnapshotBuilder(DirectoryValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        _validator = validator;
    }

    public DirectoryBuildResult Build(string jurisdiction, DirectoryContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var quarantined = new List<QuarantinedRecord>(content.Quarantined);
        var snapshot = new DirectorySnapshot();

        var residentialOrganizations = DirectoryValidator.OrganizationsRunningResidentialServices(content.Services);
        foreach (var organization in Distinct(content.Organizations, o => o.Id, "organization", quarantined))
        {
            var violations = Check(v => DirectoryValidator.CheckOrganization(organization, residentialOrganizations.Contains(organization.Id), "organization", v));
            if (violations.Count > 0)
            {
                quarantined.Add(Quarantine("organization", organization.Id, violations));
                continue;
            }

            snapshot.Organizations.Add(organization.Clone());
        }

        var organizations = snapshot.Organizations.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var source in Distinct(content.Services, s => s.Id, "service", quarantined))
        {
            var service = Repair(source.Clone(), "service", v => _validator.CheckService(source, "service", v), ServiceRepairs, quarantined, out var fatal);
            if (fatal is null && !organizations.Contains(service.OrganizationId))
            {
                fatal = $"organization '{service.OrganizationId}' is not in the directory (missing or quarantined)";
            }

            if (fatal is not null)
            {
                quarantined.Add(new QuarantinedRecord($"service '{source.Id}'", source.Id, fatal));
                continue;
            }

            snapshot.Services.Add(service);
        }

        foreach (var source in Distinct(content.Locations, l => l.Id, "location", quarantined))
        {
            var location = Repair(source.Clone(), "location", v => DirectoryValidator.CheckLocation(source, jurisdiction, "location", v), LocationRepairs, quarantined, out var fatal);
            if (fatal is not null)
            {
                quarantined.Add(new QuarantinedRecord($"location '{source.Id}'", source.Id, fatal));
                continue;
            }

            snapshot.Locations.Add(location);
        }

        var services = snapshot.Services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var locations = snapshot.Locations.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var link in Distinct(content.ServiceAtLocations, l => l.Id, "service_at_location", quarantined))
        {
            if (services.TryGetValue(link.ServiceId, out var service) && locations.TryGetValue(link.LocationId, out var location)
                && location.KindCase == Location.KindOneofCase.Physical && service.ServiceTypes.Any(DirectoryCodes.IsResidential))
            {
                var redacted = Redact(location);
                snapshot.Locations[snapshot.Locations.IndexOf(location)] = redacted;
                locations[location.Id] = redacted;
                quarantined.Add(new QuarantinedRecord(
                    $"location '{location.Id}'",
                    location.Id,
                    $"address and coordinates withheld: the location serves residential service '{service.Id}', so it is published as redacted (service area '{redacted.Redacted.ServiceArea}')"));
            }

            var violations = Check(v => DirectoryValidator.CheckServiceAtLocation(link, services, locations, "service_at_location", v));
            if (violations.Count > 0)
            {
                quarantined.Add(Quarantine("service_at_location", link.Id, violations));
                continue;
            }

            snapshot.ServiceAtLocations.Add(link.Clone());
        }

        var check = _validator.Validate(new DirectoryRelease { Jurisdiction = jurisdiction, NodeId = "check", ProducedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UnixEpoch), Snapshot = snapshot });
        if (check.Count > 0)
        {
            throw new InvalidOperationException($"The built snapshot breaks a directory rule, which is a bug in the builder: {check[0].Field}: {check[0].Description}");
        }

        return new DirectoryBuildResult(snapshot, quarantined);
    }

    /// <summary>A redacted copy of a location: its municipality as service area, its name unless the name gives the place away.</summary>
    private static Location Redact(Location location)
    {
        var area = location.Physical.Municipality;
        var redacted = new Location { Id = location.Id, Redacted = new RedactedLocation { ServiceArea = area } };
        if (!DirectoryValidator.LooksLikeAddress(location.Name))
        {
            redacted.Name = location.Name;
        }

        redacted.Languages.AddRange(location.Languages);
        return redacted;
    }

    // A part that can be withheld while the item stays: the path of its violation, and the list entry or value to drop.
    private static readonly Withholding<Service>[] ServiceRepairs =
    [
        new(new Regex(@"^service\.capacities\[(\d+)\]"), "capacity", List: s => s.Capacities),
        new(new Regex(@"^service\.languages\[(\d+)\]"), "language", List: s => s.Languages),
        new(new Regex(@"^service\.service_areas\[(\d+)\]"), "service area", List: s => s.ServiceAreas),
        new(new Regex(@"^service\.eligibility\.genders\[(\d+)\]"), "gender served", List: s => s.Eligibility.Genders),
        new(new Regex(@"^service\.phone$"), "phone number", Clear: s => s.Phone = string.Empty),
        new(new Regex(@"^service\.url$"), "url", Clear: s => s.Url = string.Empty),
        new(new Regex(@"^service\.description$"), "description", Clear: s => s.Description = string.Empty),
    ];

    private static readonly Withholding<Location>[] LocationRepairs =
    [
        new(new Regex(@"^location\.languages\[(\d+)\]"), "language", List: l => l.Languages),
        new(new Regex(@"^location\.physical\.(latitude|longitude)$"), "coordinates", Clear: l => { l.Physical.ClearLatitude(); l.Physical.ClearLongitude(); }),
        new(new Regex(@"^location\.physical\.postal_code$"), "postal code", Clear: l => l.Physical.PostalCode = string.Empty),
        new(new Regex(@"^location\.name$"), "name", Clear: l => l.Name = string.Empty),
        new(new Regex(@"^location\.virtual\.url$"), "url", Clear: l => l.Virtual.Url = string.Empty),
    ];

    private static T Repair<T>(
        T item,
        string kind,
        Action<ViolationList> check,
        Withholding<T>[] repairs,
        List<QuarantinedRecord> quarantined,
        out string? fatal)
    {
        var violations = Check(check);
        var id = item switch { Service s => s.Id, Location l => l.Id, _ => string.Empty };
        var withheld = new List<string>();
        var unrepairable = new List<FieldViolation>();
        var removals = new List<(System.Collections.IList List, int Index)>();
        foreach (var violation in violations)
        {
            var repair = repairs.Select(r => (Rule: r, Match: r.Path.Match(violation.Field))).FirstOrDefault(x => x.Match.Success);
            if (repair.Rule is null)
            {
                unrepairable.Add(violation);
                continue;
            }

            if (repair.Rule.List is { } list)
            {
                removals.Add((list(item), Index(repair.Match)));
            }
            else
            {
                repair.Rule.Clear!(item);
            }

            withheld.Add($"{repair.Rule.What} withheld ({violation.Field}): {violation.Description}");
        }

        if (unrepairable.Count > 0)
        {
            fatal = string.Join("; ", unrepairable.Select(v => $"{v.Field}: {v.Description}"));
            return item;
        }

        // Remove from the end so earlier indexes stay valid.
        foreach (var (list, index) in removals.Distinct().OrderByDescending(r => r.Index))
        {
            list.RemoveAt(index);
        }

        fatal = null;
        foreach (var note in withheld.Distinct())
        {
            quarantined.Add(new QuarantinedRecord($"{kind} '{id}'", id, note));
        }

        return item;
    }

    private static int Index(Match match) => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static List<FieldViolation> Check(Action<ViolationList> check)
    {
        var violations = new ViolationList(DirectoryValidator.MaximumViolationsReported, "item");
        check(violations);
        return violations.ToList().ToList();
    }

    private static QuarantinedRecord Quarantine(string kind, string id, IReadOnlyList<FieldViolation> violations) =>
        new($"{kind} '{id}'", id, string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")));

    private static IEnumerable<T> Distinct<T>(IEnumerable<T> items, Func<T, string> id, string kind, List<QuarantinedRecord> quarantined)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (id(item).Length > 0 && !seen.Add(id(item)))
            {
                quarantined.Add(new QuarantinedRecord($"{kind} '{id(item)}'", id(item), $"a second {kind} with id '{id(item)}'; the first one read is kept"));
                continue;
            }

            yield return item;
        }
    }
}

/// <summary>A part of an item that can be withheld: a list entry (List) or a value (Clear).</summary>
internal sealed record Withholding<T>(Regex Path, string What, Func<T, System.Collections.IList>? List = null, Action<T>? Clear = null);

/// <summary>A snapshot ready to sign, and every part held back with its reason.</summary>
public sealed record DirectoryBuildResult(DirectorySnapshot Snapshot, IReadOnlyList<QuarantinedRecord> Quarantined);
