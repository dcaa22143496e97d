using System.Text;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Submissions;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Answers referral searches and capacity summaries over the current directories and the current capacity counts.
/// Ordering of FindServices: services with room first, then those without (fresh) capacity data, then full ones;
/// within each, the most recently counted first, then the most available, then by name (only by name for a caller
/// who does not see capacity). With <c>exactCapacity</c>
/// false (a caller without scope federation.referral) capacity is shown as <see cref="CapacityDisclosureRules"/> allows.
/// </summary>
public sealed class DirectorySearch(CurrentDirectories directories, IDirectoryStore store, CapacityDisclosureRules disclosure, TimeProvider timeProvider)
{
    public const int DefaultPageSize = 50;
    public const int MaximumPageSize = 500;
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromHours(24);

    public async Task<FindServicesResponse> FindServicesAsync(FindServicesRequest request, bool exactCapacity, CancellationToken cancellationToken)
    {
        var criteria = Criteria.From(request);
        CapacityDisclosureRules.CheckSearch(request, exactCapacity);
        var now = timeProvider.GetUtcNow();
        var capacities = await LoadCapacitiesAsync(cancellationToken);
        var matches = new List<ServiceMatch>();
        foreach (var directory in await directories.GetAsync(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (criteria.Jurisdictions.Count > 0 && !criteria.Jurisdictions.Contains(directory.Jurisdiction))
            {
                continue;
            }

            foreach (var service in directory.Snapshot.Services)
            {
                var organization = directory.Organizations.GetValueOrDefault(service.OrganizationId);
                var locations = directory.LocationsOf(service.Id);
                if (!criteria.Matches(service, organization, locations))
                {
                    continue;
                }

                IReadOnlyList<ServiceCapacity> all = capacities.GetValueOrDefault((directory.Jurisdiction, service.Id)) ?? [];
                var fresh = criteria.MaxCapacityAge is { } maxAge
                    ? all.Where(c => c.Updated.ToDateTimeOffset() >= now - maxAge).ToArray()
                    : all;
                if (criteria.MaxCapacityAge is not null && fresh.Count == 0)
                {
                    continue;
                }

                var match = new ServiceMatch
                {
                    Jurisdiction = directory.Jurisdiction,
                    Service = service.Clone(),
                    Organization = organization,
                    Available = fresh.Sum(c => c.Available),
                    Maximum = fresh.Sum(c => c.Maximum),
                };
                match.Service.Capacities.Clear();
                match.Service.Capacities.AddRange(all);
                match.Locations.AddRange(locations);
                match.Availability = fresh.Count == 0 ? Availability.Unknown : match.Available > 0 ? Availability.Room : Availability.Full;
                if (fresh.Count > 0)
                {
                    match.CapacityUpdated = fresh.Select(c => c.Updated).MaxBy(t => t.ToDateTimeOffset());
                }

                if (criteria.AvailableNow && match.Availability != Availability.Room)
                {
                    continue;
                }

                if (!exactCapacity)
                {
                    // Before ordering, so not even the order tells which services have room.
                    CapacityDisclosureRules.RemoveCapacity(match);
                }

                matches.Add(match);
            }
        }

        var ordered = matches
            .OrderBy(m => m.Availability switch { Availability.Room => 0, Availability.Unknown => 1, _ => 2 })
            .ThenByDescending(m => m.CapacityUpdated?.ToDateTimeOffset() ?? DateTimeOffset.MinValue)
            .ThenByDescending(m => m.Available)
            .ThenBy(m => m.Service.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Jurisdiction, StringComparer.Ordinal)
            .ThenBy(m => m.Service.Id, StringComparer.Ordinal)
            .ToArray();
        var response = new FindServicesResponse { TotalMatches = ordered.Length, AsOf = Timestamp.FromDateTimeOffset(now), Disclosure = disclosure.Describe(exactCapacity) };
        response.Matches.AddRange(ordered.Take(criteria.PageSize));
        return response;
    }

    public async Task<CapacitySummaryResponse> CapacitySummaryAsync(CapacitySummaryRequest request, bool exactCapacity, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var jurisdictions = CheckJurisdictions(request.Jurisdictions, "jurisdictions", violations);
        var sectors = CheckServiceTypes(request.ServiceTypes, "service_types", violations);
        var staleAfter = DefaultStaleAfter;
        if (request.StaleAfter is not null)
        {
            staleAfter = request.StaleAfter.ToTimeSpan();
            if (staleAfter <= TimeSpan.Zero)
            {
                violations.Add(new FieldViolation("stale_after", $"stale_after {staleAfter} must be positive."));
            }
        }

        ThrowIfAny(violations, "The capacity summary request is not valid");
        var now = timeProvider.GetUtcNow();
        var current = await directories.GetAsync(cancellationToken);
        var capacities = await LoadCapacitiesAsync(cancellationToken);

        // One entry per service and unit: a service full in a unit when all its capacities in that unit are taken.
        var perService = new List<(string Jurisdiction, ServiceType Sector, CapacityUnit Unit, int Available, int Maximum, DateTimeOffset Updated)>();
        foreach (var directory in current.Where(d => jurisdictions.Count == 0 || jurisdictions.Contains(d.Jurisdiction)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var service in directory.Snapshot.Services)
            {
                var sector = service.ServiceTypes.FirstOrDefault();
                if (sectors.Count > 0 && !sectors.Contains(sector))
                {
                    continue;
                }

                foreach (var unit in (capacities.GetValueOrDefault((directory.Jurisdiction, service.Id)) ?? []).GroupBy(c => c.Unit))
                {
                    perService.Add((directory.Jurisdiction, sector, unit.Key, unit.Sum(c => c.Available), unit.Sum(c => c.Maximum), unit.Max(c => c.Updated.ToDateTimeOffset())));
                }
            }
        }

        var response = new CapacitySummaryResponse { AsOf = Timestamp.FromDateTimeOffset(now) };
        CapacitySummaryRow Row(string jurisdiction, ServiceType sector, CapacityUnit unit, IReadOnlyCollection<(string, ServiceType, CapacityUnit, int Available, int Maximum, DateTimeOffset Updated)> group)
        {
            var available = group.Sum(g => g.Available);
            var maximum = group.Sum(g => g.Maximum);
            var full = group.Count(g => g.Available == 0);
            return new CapacitySummaryRow
            {
                Jurisdiction = jurisdiction,
                ServiceType = sector,
                Unit = unit,
                Services = group.Count,
                Available = available,
                Maximum = maximum,
                ServicesFull = full,
                ShareFull = group.Count == 0 ? 0 : (double)full / group.Count,
                Occupancy = maximum == 0 ? 0 : 1 - ((double)available / maximum),
                ServicesStale = group.Count(g => g.Updated < now - staleAfter),
                OldestUpdate = Timestamp.FromDateTimeOffset(group.Min(g => g.Updated)),
                NewestUpdate = Timestamp.FromDateTimeOffset(group.Max(g => g.Updated)),
            };
        }

        foreach (var group in perService.GroupBy(s => (s.Jurisdiction, s.Sector, s.Unit)).OrderBy(g => g.Key.Jurisdiction, StringComparer.Ordinal).ThenBy(g => g.Key.Sector).ThenBy(g => g.Key.Unit))
        {
            response.Rows.Add(Row(group.Key.Jurisdiction, group.Key.Sector, group.Key.Unit, group.ToArray()));
        }

        foreach (var group in perService.GroupBy(s => (s.Sector, s.Unit)).OrderBy(g => g.Key.Sector).ThenBy(g => g.Key.Unit))
        {
            response.Rows.Add(Row(string.Empty, group.Key.Sector, group.Key.Unit, group.ToArray()));
        }

        var scope = jurisdictions.Count > 0 ? Jurisdiction.All.Where(jurisdictions.Contains) : Jurisdiction.All;
        var reporting = current.Select(d => d.Jurisdiction).ToHashSet(StringComparer.Ordinal);
        response.ReportingJurisdictions.AddRange(scope.Where(reporting.Contains));
        response.MissingJurisdictions.AddRange(scope.Where(j => !reporting.Contains(j)));
        if (exactCapacity)
        {
            response.Disclosure = disclosure.Describe(exact: true);
        }
        else
        {
            disclosure.Aggregate(response);
        }

        return response;
    }

    /// <summary>The current capacity of every watched service, as the first messages of a watch stream.</summary>
    public async Task<IReadOnlyList<WatchCapacityResponse>> CurrentStateAsync(Func<WatchCapacityResponse, bool> filter, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var current = (await directories.GetAsync(cancellationToken)).ToDictionary(d => d.Jurisdiction, StringComparer.Ordinal);
        var state = new List<WatchCapacityResponse>();
        foreach (var capacity in await store.GetCurrentCapacitiesAsync(cancellationToken))
        {
            if (!current.TryGetValue(capacity.Jurisdiction, out var directory))
            {
                continue;
            }

            var message = new CapacityChange(capacity.Jurisdiction, capacity.ServiceId, capacity.Capacity, null).ToWatchResponse(directory.Services, now);
            message.CurrentState = true;
            if (filter(message))
            {
                state.Add(message);
            }
        }

        return state;
    }

    /// <summary>Checks a watch request and returns the filter its changes must pass.</summary>
    public static Func<WatchCapacityResponse, bool> WatchFilter(WatchCapacityRequest request)
    {
        var violations = new List<FieldViolation>();
        var jurisdictions = CheckJurisdictions(request.Jurisdictions, "jurisdictions", violations);
        var types = CheckServiceTypes(request.ServiceTypes, "service_types", violations);
        ThrowIfAny(violations, "The watch request is not valid");
        return change => (jurisdictions.Count == 0 || jurisdictions.Contains(change.Jurisdiction))
            && (types.Count == 0 || change.ServiceTypes.Any(types.Contains));
    }

    private async Task<Dictionary<(string Jurisdiction, string ServiceId), List<ServiceCapacity>>> LoadCapacitiesAsync(CancellationToken cancellationToken) =>
        (await store.GetCurrentCapacitiesAsync(cancellationToken))
            .GroupBy(c => (c.Jurisdiction, c.ServiceId))
            .ToDictionary(g => g.Key, g => g.Select(c => c.Capacity).ToList());

    internal static HashSet<string> CheckJurisdictions(IEnumerable<string> codes, string field, List<FieldViolation> violations)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var code in codes)
        {
            if (!Jurisdiction.IsValid(code))
            {
                violations.Add(new FieldViolation($"{field}[{i}]", $"'{code}' is not a jurisdiction code. Codes: {string.Join(", ", Jurisdiction.All)}."));
            }

            set.Add(code);
            i++;
        }

        return set;
    }

    internal static HashSet<ServiceType> CheckServiceTypes(IEnumerable<ServiceType> types, string field, List<FieldViolation> violations)
    {
        var set = new HashSet<ServiceType>();
        var i = 0;
        foreach (var type in types)
        {
            if (type == ServiceType.Unspecified || !Enum.IsDefined(type))
            {
                violations.Add(new FieldViolation($"{field}[{i}]", $"{(int)type} is not a service type. Types: {string.Join(", ", DirectoryCodes.ServiceTypeNames)}."));
            }

            set.Add(type);
            i++;
        }

        return set;
    }

    internal static void ThrowIfAny(List<FieldViolation> violations, string what)
    {
        if (violations.Count > 0)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, $"{what}: {violations[0].Description}", violations);
        }
    }

    /// <summary>Upper case without accents, so "montreal" finds "Montréal" (the gateway runs with invariant globalization, so no ICU normalization).</summary>
    internal static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var index = AccentedLetters.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            folded.Append(index >= 0 ? BaseLetters[index] : char.ToUpperInvariant(c));
        }

        return folded.Replace("Æ", "AE").Replace("Œ", "OE").Replace("ß", "SS").ToString();
    }

    // Latin-1 and Latin Extended-A letters with diacritics, and the letter each folds to (same position).
    private const string AccentedLetters = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž";
    private const string BaseLetters = "AAAAAAAAACCCCCDDEEEEEEEEEGGGGHHIIIIIIIIIJKLLLLLNNNNOOOOOOOOORRRSSSSTTTUUUUUUUUUUWYYYZZZ";

    private sealed record Criteria(
        HashSet<string> Jurisdictions,
        string? Area,
        HashSet<ServiceType> Types,
        ServedGender Gender,
        int? Age,
        bool Minor,
        bool IndigenousSpecific,
        bool TwoSpirit,
        string? Language,
        bool AvailableNow,
        TimeSpan? MaxCapacityAge,
        int PageSize)
    {
        public static Criteria From(FindServicesRequest request)
        {
            var violations = new List<FieldViolation>();
            var jurisdictions = CheckJurisdictions(request.Jurisdictions, "jurisdictions", violations);
            var types = CheckServiceTypes(request.ServiceTypes, "service_types", violations);
            if (!Enum.IsDefined(request.Gender))
            {
                violations.Add(new FieldViolation("gender", $"{(int)request.Gender} is not a gender. Genders: {string.Join(", ", DirectoryCodes.GenderNames)}."));
            }

            if (request.HasAge && request.Age is < 0 or > DirectoryValidator.MaximumAge)
            {
                violations.Add(new FieldViolation("age", $"age {request.Age} is outside 0-{DirectoryValidator.MaximumAge}."));
            }

            string? language = null;
            if (request.Language.Length > 0)
            {
                language = LanguageCodes.ToIso6393(request.Language);
                if (language is null)
                {
                    violations.Add(new FieldViolation("language", $"'{request.Language}' is not an ISO 639 language code (for example en, fr, cr, iu)."));
                }
            }

            TimeSpan? maxAge = null;
            if (request.MaxCapacityAge is not null)
            {
                maxAge = request.MaxCapacityAge.ToTimeSpan();
                if (maxAge <= TimeSpan.Zero)
                {
                    violations.Add(new FieldViolation("max_capacity_age", $"max_capacity_age {maxAge} must be positive."));
                }
            }

            if (request.PageSize is < 0 or > MaximumPageSize)
            {
                violations.Add(new FieldViolation("page_size", $"page_size {request.PageSize} is outside 0-{MaximumPageSize} (0 means {DefaultPageSize})."));
            }

            ThrowIfAny(violations, "The search is not valid");
            return new Criteria(
                jurisdictions,
                string.IsNullOrWhiteSpace(request.ServiceArea) ? null : Fold(request.ServiceArea.Trim()),
                types,
                request.Gender,
                request.HasAge ? request.Age : null,
                request.Minor || request.Age is < 18 && request.HasAge,
                request.IndigenousSpecific,
                request.TwoSpiritLgbtqiPlus,
                language,
                request.AvailableNow,
                maxAge,
                request.PageSize == 0 ? DefaultPageSize : request.PageSize);
        }

        public bool Matches(Service service, Organization? organization, IReadOnlyList<Location> locations)
        {
            var eligibility = service.Eligibility ?? new Eligibility();
            if (Types.Count > 0 && !service.ServiceTypes.Any(Types.Contains))
            {
                return false;
            }

            if (Gender != ServedGender.Unspecified && eligibility.Genders.Count > 0 && !eligibility.Genders.Contains(Gender))
            {
                return false;
            }

            if (Age is { } age && ((eligibility.HasMinimumAge && age < eligibility.MinimumAge) || (eligibility.HasMaximumAge && age > eligibility.MaximumAge)))
            {
                return false;
            }

            if (Minor && !eligibility.AcceptsMinors)
            {
                return false;
            }

            if (IndigenousSpecific && !(eligibility.IndigenousSpecific || organization?.IndigenousLed == true || service.ServiceTypes.Contains(ServiceType.IndigenousLed)))
            {
                return false;
            }

            if (TwoSpirit && !eligibility.TwoSpiritLgbtqiPlus)
            {
                return false;
            }

            if (Language is not null && !service.Languages.Any(l => LanguageCodes.ToIso6393(l.Code) == Language))
            {
                return false;
            }

            return Area is null || AreasOf(service, locations).Any(a => Fold(a).Contains(Area, StringComparison.Ordinal));
        }

        private static IEnumerable<string> AreasOf(Service service, IReadOnlyList<Location> locations) =>
            service.ServiceAreas.Select(a => a.Name)
                .Concat(locations.Select(l => l.KindCase switch
                {
                    Location.KindOneofCase.Physical => l.Physical.Municipality,
                    Location.KindOneofCase.Redacted => l.Redacted.ServiceArea,
                    _ => string.Empty,
                }))
                .Where(a => a.Length > 0);
    }
}
