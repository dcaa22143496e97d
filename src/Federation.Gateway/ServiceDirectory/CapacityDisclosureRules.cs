using Federation.Contracts.V1;
using Federation.Sdk.Identity;
using Federation.Sdk.Submissions;
using Microsoft.Extensions.Options;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Settings of the capacity disclosure control (configuration section "Gateway:CapacityDisclosure"): how capacity is
/// aggregated for callers without scope federation.referral.
/// </summary>
public sealed class CapacityDisclosureOptions
{
    public const string SectionName = "Gateway:CapacityDisclosure";

    /// <summary>The fewest services a published aggregate figure may cover; a row covering fewer is withheld.</summary>
    public int MinimumServices { get; set; } = 3;

    /// <summary>
    /// Capacity counts (available, maximum, beds) are rounded to the nearest multiple of this, so a facility with fewer
    /// places than the band cannot be read from one answer or from the difference of two.
    /// </summary>
    public int Band { get; set; } = 5;
}

/// <summary>Checks the disclosure settings at start-up; each failure names the setting.</summary>
internal sealed class CapacityDisclosureOptionsValidator : IValidateOptions<CapacityDisclosureOptions>
{
    public ValidateOptionsResult Validate(string? name, CapacityDisclosureOptions options)
    {
        var failures = new List<string>();
        if (options.MinimumServices is < 2 or > 100)
        {
            failures.Add($"{CapacityDisclosureOptions.SectionName}:{nameof(options.MinimumServices)}: {options.MinimumServices} is outside 2 - 100 (one service per figure would be that service's exact capacity).");
        }

        if (options.Band is < 1 or > 1000)
        {
            failures.Add($"{CapacityDisclosureOptions.SectionName}:{nameof(options.Band)}: {options.Band} is outside 1 - 1000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// The one place that decides how exact the capacity a caller sees is. A referral desk (scope federation.referral)
/// sees each service's exact, current capacity and may watch it change. Anyone else sees capacity only aggregated by
/// jurisdiction and sector: figures covering fewer than <see cref="CapacityDisclosureOptions.MinimumServices"/> services
/// withheld, counts rounded to <see cref="CapacityDisclosureOptions.Band"/>, shares to whole percent, times to the
/// hour; directory matches carry no capacity, and searching by capacity is refused naming the scope it needs.
/// </summary>
public sealed class CapacityDisclosureRules(IOptions<CapacityDisclosureOptions> options)
{
    private readonly CapacityDisclosureOptions _options = options.Value;

    /// <summary>Whether a caller with these scopes sees exact per-service capacity.</summary>
    public static bool SeesExactCapacity(IEnumerable<string> scopes) => scopes.Contains(FederationScopes.Referral, StringComparer.Ordinal);

    /// <summary>What an answer states about its capacity figures.</summary>
    public CapacityDisclosure Describe(bool exact) => exact
        ? new CapacityDisclosure { Exact = true }
        : new CapacityDisclosure { Exact = false, MinimumServices = _options.MinimumServices, Band = _options.Band };

    /// <summary>Refuses (PermissionDenied, naming the scope) a search that selects services by their current capacity.</summary>
    public static void CheckSearch(FindServicesRequest request, bool exact)
    {
        if (exact)
        {
            return;
        }

        var fields = new List<FieldViolation>();
        if (request.AvailableNow)
        {
            fields.Add(new FieldViolation("available_now", "available_now selects services by their exact current capacity, which needs scope federation.referral."));
        }

        if (request.MaxCapacityAge is not null)
        {
            fields.Add(new FieldViolation("max_capacity_age", "max_capacity_age selects services by when their capacity was counted, which needs scope federation.referral."));
        }

        if (fields.Count > 0)
        {
            throw new RequestRefusedException(RefusalKind.PermissionDenied,
                $"Searching by capacity ({string.Join(", ", fields.Select(f => f.Field))}) needs scope federation.referral (referral desks); "
                + "with federation.query, search without it and see capacity aggregated with CapacitySummary.",
                fields);
        }
    }

    /// <summary>A match without any capacity: no counts, no availability, no count times.</summary>
    public static void RemoveCapacity(ServiceMatch match)
    {
        match.Service.Capacities.Clear();
        match.Available = 0;
        match.Maximum = 0;
        match.Availability = Availability.Unspecified;
        match.CapacityUpdated = null;
    }

    /// <summary>Withholds or coarsens every row of a summary.</summary>
    public void Aggregate(CapacitySummaryResponse response)
    {
        foreach (var row in response.Rows)
        {
            if (row.Services < _options.MinimumServices)
            {
                row.Available = 0;
                row.Maximum = 0;
                row.ServicesFull = 0;
                row.ShareFull = 0;
                row.Occupancy = 0;
                row.ServicesStale = 0;
                row.OldestUpdate = null;
                row.NewestUpdate = null;
                row.Withheld = true;
                continue;
            }

            row.Available = Band(row.Available);
            row.Maximum = Band(row.Maximum);
            row.ShareFull = Percent(row.ShareFull);
            row.Occupancy = Percent(row.Occupancy);
            row.OldestUpdate = Hour(row.OldestUpdate);
            row.NewestUpdate = Hour(row.NewestUpdate);
        }

        response.Disclosure = Describe(exact: false);
    }

    /// <summary>Withholds or coarsens every row of a safe-housing coverage answer (always aggregated: it is for analysts).</summary>
    public void Aggregate(SafeHousingCoverageResponse response)
    {
        foreach (var row in response.Rows)
        {
            if (row.ServicesObserved < _options.MinimumServices)
            {
                row.Beds = 0;
                row.ShareOfTimeFull = 0;
                row.ObservedServiceDays = 0;
                row.Withheld = row.ServicesObserved > 0;
                continue;
            }

            row.Beds = Band(row.Beds);
            row.ShareOfTimeFull = Percent(row.ShareOfTimeFull);
            row.ObservedServiceDays = Math.Round(row.ObservedServiceDays);
        }

        response.Disclosure = Describe(exact: false);
    }

    private int Band(int value) => (int)(Math.Round((double)value / _options.Band, MidpointRounding.AwayFromZero) * _options.Band);

    private static double Percent(double share) => Math.Round(share, 2, MidpointRounding.AwayFromZero);

    private static Timestamp? Hour(Timestamp? time) => time is null
        ? null
        : Timestamp.FromDateTimeOffset(new DateTimeOffset(time.ToDateTimeOffset().UtcTicks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero));
}
