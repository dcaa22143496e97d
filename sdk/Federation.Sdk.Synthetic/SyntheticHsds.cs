using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Federation.Sdk.ServiceDirectory;

namespace Federation.Sdk.Synthetic;

/// <summary>
/// Writes a <see cref="SyntheticDirectory"/> as Open Referral HSDS 3.1 JSON, as an HSDS API's
/// <c>/services?full=true</c> returns it: paged list responses (<c>services-001.json</c>, ...) of services, each with
/// its organization, capacities and service_at_locations (with their locations) nested, so a help line's location
/// shared by several services appears under each of them. Codes are terms of the <c>federation</c> taxonomy.
/// </summary>
/// <remarks>
/// Text that is not the type a field wants (an age "twelve") is written as a string, so a defect planted in a row
/// reaches the feed as it would from a careless publisher. One departure from the 3.1 schemas, which have no way to
/// publish a confidential location: location_type <c>redacted</c>, whose address has a city (the area) and blank
/// address_1 and postal_code, unless the row leaks them.
/// </remarks>
public static class SyntheticHsds
{
    /// <summary>The taxonomy whose term codes are the directory's codes (the HSDS adapter's default).</summary>
    public const string Taxonomy = "federation";

    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the directory into <paramref name="folder"/> (created if needed), <paramref name="servicesPerFile"/>
    /// services a page, and returns the files written in order. The same directory always gives the same bytes.
    /// </summary>
    public static IReadOnlyList<string> Write(string folder, SyntheticDirectory directory, int servicesPerFile = 20)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(servicesPerFile, 1);
        System.IO.Directory.CreateDirectory(folder);
        var services = directory.Rows.GroupBy(r => r.ServiceId, StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
        var pages = services.Chunk(servicesPerFile).ToArray();
        var files = new List<string>();
        for (var page = 0; page < pages.Length; page++)
        {
            var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"services-{page + 1:D3}.json"));
            using (var stream = File.Create(path))
            using (var writer = new Utf8JsonWriter(stream, s_options))
            {
                writer.WriteStartObject();
                writer.WriteNumber("total_items", services.Length);
                writer.WriteNumber("total_pages", pages.Length);
                writer.WriteNumber("page_number", page + 1);
                writer.WriteNumber("size", pages[page].Length);
                writer.WriteBoolean("first_page", page == 0);
                writer.WriteBoolean("last_page", page == pages.Length - 1);
                writer.WriteBoolean("empty", false);
                writer.WriteStartArray("contents");
                foreach (var rows in pages[page])
                {
                    WriteService(writer, rows);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            files.Add(path);
        }

        return files;
    }

    private static void WriteService(Utf8JsonWriter writer, SyntheticDirectoryRow[] rows)
    {
        var row = rows[0];
        var id = row.ServiceId;
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("organization_id", row.OrganizationId);
        writer.WriteString("name", row["service_name"]);
        writer.WriteString("status", "active");
        WriteNumberOrText(writer, "minimum_age", row["minimum_age"]);
        WriteNumberOrText(writer, "maximum_age", row["maximum_age"]);

        writer.WriteStartObject("organization");
        writer.WriteString("id", row.OrganizationId);
        writer.WriteString("name", row["organization_name"]);
        writer.WriteString("description", "Synthetic organization for tests; not a real provider.");
        WriteTerms(writer, row.OrganizationId, Yes(row, "organization_indigenous_led") ? ["indigenous_led"] : []);
        writer.WriteEndObject();

        if (row["phone"].Length > 0)
        {
            writer.WriteStartArray("phones");
            writer.WriteStartObject();
            writer.WriteString("id", $"{id}-phone");
            writer.WriteString("number", row["phone"]);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteStartArray("languages");
        foreach (var code in row.List("languages"))
        {
            writer.WriteStartObject();
            writer.WriteString("id", $"{id}-language-{code}");
            writer.WriteString("code", code);
            if (LanguageCodes.NameOf(code) is { } name)
            {
                writer.WriteString("name", name);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("service_areas");
        foreach (var area in row.List("service_areas"))
        {
            writer.WriteStartObject();
            writer.WriteString("id", $"{id}-area-{area}");
            writer.WriteString("name", area);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        var terms = row.List("service_types").Concat(row.List("genders")).ToList();
        terms.AddRange(new[] { "indigenous_specific", "two_spirit_lgbtqi_plus" }.Where(flag => Yes(row, flag)));
        WriteTerms(writer, id, terms);
        WriteCapacities(writer, row);

        writer.WriteStartArray("service_at_locations");
        foreach (var at in rows)
        {
            writer.WriteStartObject();
            writer.WriteString("id", at.ServiceAtLocationId);
            writer.WriteString("service_id", id);
            writer.WriteString("location_id", at.LocationId);
            writer.WritePropertyName("location");
            WriteLocation(writer, at);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCapacities(Utf8JsonWriter writer, SyntheticDirectoryRow row)
    {
        writer.WriteStartArray("capacities");
        if (row["capacity_unit"].Length > 0 || row["maximum"].Length > 0)
        {
            var unit = row["capacity_unit"];
            writer.WriteStartObject();
            writer.WriteString("id", row["capacity_id"].Length > 0 ? row["capacity_id"] : "capacity");
            writer.WriteString("service_id", row.ServiceId);
            writer.WriteStartObject("unit");
            writer.WriteString("id", $"unit-{unit}");
            // HSDS units carry a display name ("Intake slot"); the adapter reads it back to the code.
            writer.WriteString("name", unit.Length == 0 ? string.Empty : char.ToUpperInvariant(unit[0]) + unit[1..].Replace('_', ' '));
            writer.WriteEndObject();
            WriteNumberOrText(writer, "available", row["available"]);
            WriteNumberOrText(writer, "maximum", row["maximum"]);
            if (row["capacity_updated"].Length > 0)
            {
                writer.WriteString("updated", row["capacity_updated"]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteLocation(Utf8JsonWriter writer, SyntheticDirectoryRow row)
    {
        var type = row["location_type"];
        writer.WriteStartObject();
        writer.WriteString("id", row.LocationId);
        writer.WriteString("location_type", type);
        if (row["location_name"].Length > 0)
        {
            writer.WriteString("name", row["location_name"]);
        }

        WriteNumberOrText(writer, "latitude", row["latitude"]);
        WriteNumberOrText(writer, "longitude", row["longitude"]);
        if (!string.Equals(type, "virtual", StringComparison.OrdinalIgnoreCase) && row["municipality"].Length > 0)
        {
            writer.WriteStartArray("addresses");
            writer.WriteStartObject();
            writer.WriteString("id", $"{row.LocationId}-address");
            writer.WriteString("location_id", row.LocationId);
            writer.WriteString("address_1", row["street_address"]);
            writer.WriteString("city", row["municipality"]);
            writer.WriteString("state_province", row["province"]);
            writer.WriteString("postal_code", row["postal_code"]);
            writer.WriteString("country", "CA");
            writer.WriteString("address_type", "physical");
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteTerms(Utf8JsonWriter writer, string ownerId, IEnumerable<string> codes)
    {
        writer.WriteStartArray("attributes");
        foreach (var code in codes)
        {
            writer.WriteStartObject();
            writer.WriteString("id", $"{ownerId}-attribute-{code}");
            writer.WriteString("link_id", ownerId);
            writer.WriteStartObject("taxonomy_term");
            writer.WriteString("id", $"{Taxonomy}-{code}");
            writer.WriteString("code", code);
            writer.WriteString("name", code.Replace('_', ' '));
            writer.WriteString("description", $"Directory code {code}.");
            writer.WriteString("taxonomy", Taxonomy);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteNumberOrText(Utf8JsonWriter writer, string name, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            // A decimal keeps the digits the row has, so coordinates are written as given.
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteString(name, text);
        }
    }

    private static bool Yes(SyntheticDirectoryRow row, string column) =>
        row[column].ToLowerInvariant() is "yes" or "true" or "1" or "y";
}
