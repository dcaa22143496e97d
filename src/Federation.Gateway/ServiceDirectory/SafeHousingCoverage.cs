using Federation.Contracts.V1;
using Federation.Gateway.Query;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Connects the statistics and the directory: per jurisdiction and year, victims identified (the query service's
/// answer for the dataset's total, with whatever precision it carries) next to safe-housing beds and the share of
/// time they were full, computed from the capacity history.
/// </summary>
/// <remarks>
/// Share of time full: every bed count of a residential service (emergency shelter or transitional housing) holds
/// from its time until that capacity's next count, or the end of the year, or now. Clipped to the year, the time
/// a capacity held a count with nothing available is full time; the share is full time over observed time, summed
/// over all capacities of the jurisdiction (or the country). A year with no observation has share 0 and
/// observed_service_days 0, which readers must show as not available. The answer is aggregated as
/// <see cref="CapacityDisclosureRules"/> says (rows of too few services withheld, beds banded, shares in whole percent).
/// </remarks>
public sealed class SafeHousingCoverage(QueryEngine queries, IDirectoryStore store, CapacityDisclosureRules disclosure, TimeProvider timeProvider)
{
    public const string DefaultDatasetId = "trafficking.victims.v1";

    public async Task<SafeHousingCoverageResponse> ComputeAsync(SafeHousingCoverageRequest request, CancellationToken cancellationToken)
    {
        var datasetId = request.DatasetId.Length == 0 ? DefaultDatasetId : request.DatasetId;
        var now = timeProvider.GetUtcNow();
        var history = await store.GetResidentialBedHistoryAsync(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), now, cancellationToken);

        // The query service checks the dataset, years and jurisdictions and answers with per-jurisdiction totals.
        var perJurisdiction = await queries.QueryAsync(
            new QueryRequest { DatasetId = datasetId, ByJurisdiction = true, Years = { request.Years }, Jurisdictions = { request.Jurisdictions } },
            cancellationToken);
        var years = request.Years.Count > 0
            ? request.Years.Distinct().Order().ToArray()
            : perJurisdiction.Rows.Select(r => r.ReferenceYear).Concat(history.Select(h => h.Updated.Year)).Distinct().Order().ToArray();
        if (request.Years.Count == 0 && years.Except(perJurisdiction.Rows.Select(r => r.ReferenceYear)).Any())
        {
            // Years with capacity data but no statistics still get rows (victims not available).
            perJurisdiction = await queries.QueryAsync(
                new QueryRequest { DatasetId = datasetId, ByJurisdiction = true, Years = { years }, Jurisdictions = { request.Jurisdictions } },
                cancellationToken);
        }

        var national = await queries.QueryAsync(
            new QueryRequest { DatasetId = datasetId, Years = { years }, Jurisdictions = { request.Jurisdictions } },
            cancellationToken);
        var jurisdictions = perJurisdiction.Rows.Select(r => r.Jurisdiction).Distinct().ToHashSet(StringComparer.Ordinal);
        var byCapacity = history
            .Where(h => jurisdictions.Contains(h.Jurisdiction))
            .GroupBy(h => (h.Jurisdiction, h.ServiceId, h.CapacityId))
            .ToDictionary(g => g.Key, g => g.OrderBy(h => h.Updated).ToArray());

        var response = new SafeHousingCoverageResponse();
        foreach (var row in perJurisdiction.Rows.OrderBy(r => r.Jurisdiction, StringComparer.Ordinal).ThenBy(r => r.ReferenceYear))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var observed = Observe(byCapacity.Where(c => c.Key.Jurisdiction == row.Jurisdiction).Select(c => (c.Key.ServiceId, c.Value)), row.ReferenceYear, now);
            response.Rows.Add(observed.ToRow(row));
        }

        foreach (var row in national.Rows.OrderBy(r => r.ReferenceYear))
        {
            var observed = Observe(byCapacity.Select(c => (c.Key.Jurisdiction + "/" + c.Key.ServiceId, c.Value)), row.ReferenceYear, now);
            response.Rows.Add(observed.ToRow(row));
        }

        disclosure.Aggregate(response);
        return response;
    }

    private static Observation Observe(IEnumerable<(string Service, HistoricalReading[] Readings)> capacities, int year, DateTimeOffset now)
    {
        var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (end > now)
        {
            end = now;
        }

        var observed = TimeSpan.Zero;
        var full = TimeSpan.Zero;
        var beds = 0;
        var services = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (service, readings) in capacities)
        {
            HistoricalReading? last = null;
            for (var i = 0; i < readings.Length; i++)
            {
                var from = readings[i].Updated < start ? start : readings[i].Updated;
                var until = i + 1 < readings.Length && readings[i + 1].Updated < end ? readings[i + 1].Updated : end;
                if (until <= from)
                {
                    continue;
                }

                observed += until - from;
                if (readings[i].Available == 0)
                {
                    full += until - from;
                }

                last = readings[i];
                services.Add(service);
            }

            beds += last?.Maximum ?? 0;
        }

        return new Observation(beds, observed, full, services.Count);
    }

    private sealed record Observation(int Beds, TimeSpan Observed, TimeSpan Full, int Services)
    {
        public SafeHousingCoverageRow ToRow(QueryRow victims) => new()
        {
            ReferenceYear = victims.ReferenceYear,
            Jurisdiction = victims.Jurisdiction,
            VictimsIdentified = victims,
            Beds = Beds,
            ShareOfTimeFull = Observed > TimeSpan.Zero ? Full / Observed : 0,
            ServicesObserved = Services,
            ObservedServiceDays = Observed.TotalDays,
        };
    }
}
