using System.Globalization;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.ServiceDirectory;
using Google.Protobuf;

namespace Federation.Cli.Output;

/// <summary>Prints service searches, capacity summaries and safe-housing coverage as tables, CSV or JSON.</summary>
internal static class DirectoryResultWriter
{
    private static readonly JsonFormatter s_json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static void Write(FindServicesResponse response, OutputFormat format, TextWriter writer, DateTimeOffset now)
    {
        if (format == OutputFormat.Json)
        {
            writer.WriteLine(s_json.Format(response));
            return;
        }

        // Without scope federation.referral the gateway sends no capacity: "x" (withheld), not "unknown".
        var exact = response.Disclosure?.Exact ?? true;
        var headers = new[] { "jurisdiction", "service", "types", "where", "availability", "available", "maximum", "counted", "phone", "languages" };
        var rows = response.Matches.Select(m => new[]
        {
            m.Jurisdiction,
            m.Service.Name,
            string.Join(format == OutputFormat.Csv ? ";" : ", ", m.Service.ServiceTypes.Select(DirectoryCodes.NameOf)),
            string.Join(format == OutputFormat.Csv ? ";" : ", ", m.Locations.Select(Where).Distinct()),
            !exact ? Withheld : m.Availability switch { Availability.Room => "room", Availability.Full => "full", _ => "unknown" },
            !exact ? Withheld : m.Availability == Availability.Unknown ? ".." : m.Available.ToString(CultureInfo.InvariantCulture),
            !exact ? Withheld : m.Availability == Availability.Unknown ? ".." : m.Maximum.ToString(CultureInfo.InvariantCulture),
            !exact ? Withheld : m.CapacityUpdated is null ? ".." : format == OutputFormat.Csv ? m.CapacityUpdated.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture) : Age(now - m.CapacityUpdated.ToDateTimeOffset()),
            m.Service.Phone,
            string.Join(format == OutputFormat.Csv ? ";" : " ", m.Service.Languages.Select(l => l.Code)),
        });
        WriteRows(format, writer, headers, rows);
        if (format == OutputFormat.Table)
        {
            writer.WriteLine(exact
                ? $"{response.Matches.Count} of {response.TotalMatches} matching services; room first, then unknown, then full; freshest counts first. Confidential locations show their area only."
                : $"{response.Matches.Count} of {response.TotalMatches} matching services, by name. Confidential locations show their area only. "
                    + "x = capacity withheld: each service's capacity is for referral desks (scope federation.referral); `fed services capacity` shows it aggregated.");
        }
    }

    public static void Write(CapacitySummaryResponse response, OutputFormat format, TextWriter writer, string nationalLabel = "Canada")
    {
        if (format == OutputFormat.Json)
        {
            writer.WriteLine(s_json.Format(response));
            return;
        }

        var headers = new[] { "jurisdiction", "sector", "unit", "services", "available", "maximum", "occupancy", "full", "share full", "stale" };
        var rows = response.Rows.Select(r => new[]
        {
            r.Jurisdiction.Length == 0 ? nationalLabel : r.Jurisdiction,
            DirectoryCodes.NameOf(r.ServiceType),
            DirectoryCodes.NameOf(r.Unit),
            Number(r.Services),
            r.Withheld ? Withheld : Number(r.Available),
            r.Withheld ? Withheld : Number(r.Maximum),
            r.Withheld ? Withheld : Percent(r.Occupancy, format),
            r.Withheld ? Withheld : Number(r.ServicesFull),
            r.Withheld ? Withheld : Percent(r.ShareFull, format),
            r.Withheld ? Withheld : Number(r.ServicesStale),
        });
        WriteRows(format, writer, headers, rows);
        if (format == OutputFormat.Table)
        {
            writer.WriteLine($"Reporting: {response.ReportingJurisdictions.Count}/{response.ReportingJurisdictions.Count + response.MissingJurisdictions.Count} jurisdictions" +
                (response.MissingJurisdictions.Count > 0 ? $" (not reported: {string.Join(" ", response.MissingJurisdictions)})" : string.Empty) +
                ". Sector = a service's first type; stale = counted more than the staleness limit ago.");
            if (response.Disclosure is { Exact: false } disclosure)
            {
                writer.WriteLine(Aggregated(disclosure));
            }
        }
    }

    public static void Write(SafeHousingCoverageResponse response, OutputFormat format, TextWriter writer, string nationalLabel = "Canada")
    {
        if (format == OutputFormat.Json)
        {
            writer.WriteLine(s_json.Format(response));
            return;
        }

        var headers = new[] { "year", "jurisdiction", "victims identified", "safe-housing beds", "time full", "services observed", "victims per 100 beds" };
        var rows = response.Rows.Select(r => new[]
        {
            r.ReferenceYear.ToString(CultureInfo.InvariantCulture),
            r.Jurisdiction.Length == 0 ? nationalLabel : r.Jurisdiction,
            r.VictimsIdentified is null ? ".." : QueryResultWriter.FormatValue(r.VictimsIdentified),
            r.Withheld ? Withheld : r.ObservedServiceDays > 0 ? Number(r.Beds) : "..",
            r.Withheld ? Withheld : r.ObservedServiceDays > 0 ? Percent(r.ShareOfTimeFull, format) : "..",
            Number(r.ServicesObserved),
            r.ObservedServiceDays > 0 && r.Beds > 0 && r.VictimsIdentified?.Status == CellStatus.Available
                ? (100.0 * r.VictimsIdentified.Value / r.Beds).ToString("0.0", CultureInfo.InvariantCulture)
                : "..",
        });
        WriteRows(format, writer, headers, rows);
        if (format == OutputFormat.Table)
        {
            writer.WriteLine("Victims: protected statistics (trafficking.victims.v1, T0). Beds: emergency shelter and transitional housing, as last counted in the year.");
            writer.WriteLine("Time full: share of observed bed-service time with nothing available, from the capacity history. \"..\" = not available.");
            if (response.Disclosure is { Exact: false } disclosure)
            {
                writer.WriteLine(Aggregated(disclosure));
            }
        }
    }

    /// <summary>The symbol of a figure withheld to protect a small number of services (Statistics Canada's "x").</summary>
    private const string Withheld = "x";

    private static string Aggregated(CapacityDisclosure disclosure) =>
        $"Capacity aggregated: x = withheld (fewer than {disclosure.MinimumServices} services); counts rounded to a multiple of {disclosure.Band}, shares to whole percent. "
        + "Exact capacity of each service is for referral desks (scope federation.referral).";

    private static string Where(Location location) => location.KindCase switch
    {
        Location.KindOneofCase.Physical => location.Physical.Municipality,
        Location.KindOneofCase.Redacted => $"{location.Redacted.ServiceArea} (confidential)",
        Location.KindOneofCase.Virtual => "phone/online",
        _ => string.Empty,
    };

    private static void WriteRows(OutputFormat format, TextWriter writer, string[] headers, IEnumerable<string[]> rows)
    {
        if (format == OutputFormat.Csv)
        {
            writer.WriteLine(string.Join(',', headers.Select(h => h.Replace(' ', '_'))));
            foreach (var row in rows)
            {
                writer.WriteLine(string.Join(',', row.Select(Escape)));
            }

            return;
        }

        var table = new TextTable(headers);
        foreach (var row in rows)
        {
            table.AddRow(row);
        }

        table.Write(writer);
    }

    internal static string Age(TimeSpan age) =>
        age < TimeSpan.FromMinutes(1) ? "just now"
        : age < TimeSpan.FromHours(1) ? $"{(int)age.TotalMinutes} min ago"
        : age < TimeSpan.FromDays(2) ? $"{(int)age.TotalHours} h ago"
        : $"{(int)age.TotalDays} days ago";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double share, OutputFormat format) =>
        format == OutputFormat.Csv ? share.ToString("0.####", CultureInfo.InvariantCulture) : share.ToString("0%", CultureInfo.InvariantCulture);

    internal static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    /// <summary>The name of a jurisdiction for a row (Canada for national rows).</summary>
    public static string NameOf(string jurisdiction) => jurisdiction.Length == 0 ? "Canada" : Jurisdiction.NameOf(jurisdiction);
}
