using System.Globalization;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Synthetic;

/// <summary>
/// Synthetic service directories shaped by <see cref="ServiceCalibration"/>: a <see cref="SyntheticDirectory"/> to
/// write in any store's format (<see cref="SyntheticDirectory.WriteCsv"/>, <see cref="SyntheticHsds.Write"/>), or
/// written in the CSV directory adapter's format: a directory export (services.csv) and a capacity feed with a
/// monthly history (capacity.csv). Residential
/// facilities are redacted; a few are mis-entered as physical with an address, so the node's redaction is exercised.
/// The same arguments always give the same files. Never official data.
/// </summary>
public static class SyntheticDirectoryData
{
    public static readonly IReadOnlyList<string> DirectoryColumns =
    [
        "service_id", "organization_id", "organization_name", "organization_indigenous_led", "service_name", "service_types", "phone",
        "minimum_age", "maximum_age", "genders", "accepts_minors", "indigenous_specific", "two_spirit_lgbtqi_plus", "languages",
        "service_areas", "location_id", "location_name", "location_type", "street_address", "municipality", "province", "postal_code",
        "latitude", "longitude", "capacity_id", "capacity_unit", "available", "maximum", "capacity_updated",
    ];

    public static readonly IReadOnlyList<string> CapacityColumns = ["service_id", "capacity_id", "capacity_unit", "available", "maximum", "capacity_updated"];

    private static readonly string[] s_supportTypes =
        ["counselling", "legal_aid", "medical_care", "immigration_help", "interpretation", "employment", "education", "indigenous_led", "hotline"];

    /// <summary>
    /// The directory of <paramref name="jurisdiction"/> with counts as of <paramref name="now"/>: its residential
    /// facilities, then its support services. The same arguments always give the same directory.
    /// </summary>
    public static SyntheticDirectory Directory(string jurisdiction, int seed, DateTimeOffset now) =>
        Generate(jurisdiction, new Random(seed), now).Directory;

    /// <summary>
    /// Writes the directory (counts as of <paramref name="now"/>) and the capacity history (a count on the first of
    /// every month from January of <paramref name="historyFromYear"/>). Returns the number of residential facilities.
    /// </summary>
    public static int Write(string directoryPath, string capacityPath, string jurisdiction, int seed, DateTimeOffset now, int historyFromYear)
    {
        var random = new Random(seed);
        var (directory, facilities) = Generate(jurisdiction, random, now);
        directory.WriteCsv(directoryPath);
        using (var writer = CsvText.Create(capacityPath))
        {
            CsvText.WriteLine(writer, CapacityColumns);
            var month = new DateTimeOffset(historyFromYear, 1, 1, 14, 0, 0, TimeSpan.Zero);
            while (month < now.AddDays(-1))
            {
                foreach (var facility in facilities)
                {
                    var available = Available(random, facility.Beds, facility.FullTendency);
                    CsvText.WriteLine(writer, [facility.Row["service_id"], "beds", "bed", Text(available), Text(facility.Beds), month.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)]);
                }

                month = month.AddMonths(1);
            }
        }

        return facilities.Count;
    }

    private static (SyntheticDirectory Directory, List<Facility> Facilities) Generate(string jurisdiction, Random random, DateTimeOffset now)
    {
        if (!Jurisdiction.IsValid(jurisdiction))
        {
            throw new ArgumentException($"Unknown jurisdiction '{jurisdiction}'.", nameof(jurisdiction));
        }

        var facilities = Facilities(random, jurisdiction, now);
        var support = SupportServices(random, jurisdiction, facilities.Count, now).ToList();
        var rows = facilities.Select(f => f.Row).Concat(support).Select(row => new SyntheticDirectoryRow(row));
        return (new SyntheticDirectory(jurisdiction, rows), facilities);
    }

    private static List<Facility> Facilities(Random random, string jurisdiction, DateTimeOffset now)
    {
        var municipalities = ServiceCalibration.Municipalities(jurisdiction);
        var languages = ServiceCalibration.Languages(jurisdiction);
        var northernOrPrairie = jurisdiction is "MB" or "SK" or "AB" or "NT" or "NU" or "YT";
        var facilities = new List<Facility>();
        var count = ServiceCalibration.Facilities(jurisdiction);
        for (var i = 1; i <= count; i++)
        {
            var id = $"{jurisdiction}-RES-{i:D3}";
            var transitional = random.NextDouble() < 0.25;
            var youth = random.NextDouble() < 0.08;
            var men = !youth && random.NextDouble() < 0.05;
            var indigenous = random.NextDouble() < (northernOrPrairie ? 0.3 : 0.1);
            var beds = Math.Min(40, 4 + (int)Math.Round(-Math.Log(1 - random.NextDouble()) * (ServiceCalibration.MeanBeds - 4)));
            // Each facility has its own pressure around the national share full, so some are nearly always full.
            var fullTendency = Math.Clamp(ServiceCalibration.ShareFull + (0.25 * Normal(random)), 0.02, 0.95);
            var municipality = municipalities[Math.Min(municipalities.Count - 1, (int)(-Math.Log(1 - random.NextDouble()) * municipalities.Count / 2.5))];
            var misEnteredAsPhysical = random.NextDouble() < 0.02;
            var stale = random.NextDouble() < 0.1;
            var updated = now - TimeSpan.FromMinutes(stale ? random.Next(26 * 60, 5 * 24 * 60) : random.Next(1, 6 * 60));
            var row = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["service_id"] = id,
                ["organization_id"] = $"{jurisdiction}-ORG-{i:D3}",
                ["organization_name"] = OrganizationName(jurisdiction, indigenous, i),
                ["organization_indigenous_led"] = indigenous ? "yes" : "no",
                ["service_name"] = transitional ? $"Second-stage housing {i}" : youth ? $"Youth safe house {i}" : $"Emergency shelter {i}",
                ["service_types"] = (transitional ? "transitional_housing" : "emergency_shelter") + (indigenous ? ";indigenous_led" : string.Empty),
                ["phone"] = Phone(random),
                ["minimum_age"] = youth ? "12" : "16",
                ["maximum_age"] = youth ? "24" : string.Empty,
                ["genders"] = men ? "men" : youth ? string.Empty : "women;gender_diverse",
                ["accepts_minors"] = "yes",
                ["indigenous_specific"] = indigenous ? "yes" : "no",
                ["two_spirit_lgbtqi_plus"] = random.NextDouble() < 0.06 ? "yes" : "no",
                ["languages"] = string.Join(';', new[] { "en" }.Concat(languages.Where(_ => random.NextDouble() < 0.3))),
                ["service_areas"] = municipality,
                ["location_id"] = $"{jurisdiction}-LOC-R{i:D3}",
                ["location_name"] = transitional ? $"Residence {i}" : $"Safe house {i}",
                ["location_type"] = misEnteredAsPhysical ? "physical" : "redacted",
                ["street_address"] = misEnteredAsPhysical ? $"{random.Next(10, 9000)} {StreetName(random)}" : string.Empty,
                ["municipality"] = municipality,
                ["province"] = jurisdiction,
                ["postal_code"] = misEnteredAsPhysical ? PostalCode(random, jurisdiction) : string.Empty,
                ["capacity_id"] = "beds",
                ["capacity_unit"] = "bed",
                ["available"] = Text(Available(random, beds, fullTendency)),
                ["maximum"] = Text(beds),
                ["capacity_updated"] = updated.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
            facilities.Add(new Facility(row, beds, fullTendency));
        }

        return facilities;
    }

    private static IEnumerable<Dictionary<string, string>> SupportServices(Random random, string jurisdiction, int facilities, DateTimeOffset now)
    {
        var municipalities = ServiceCalibration.Municipalities(jurisdiction);
        var languages = ServiceCalibration.Languages(jurisdiction);
        var count = Math.Max(s_supportTypes.Length, facilities / 2);
        for (var i = 1; i <= count; i++)
        {
            var type = s_supportTypes[(i - 1) % s_supportTypes.Length];
            var municipality = municipalities[random.Next(municipalities.Count)];
            var hotline = type == "hotline";
            var takesIntake = type is "counselling" or "legal_aid" or "immigration_help";
            yield return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["service_id"] = $"{jurisdiction}-SUP-{i:D3}",
                ["organization_id"] = $"{jurisdiction}-SORG-{i:D3}",
                ["organization_name"] = $"{Jurisdiction.NameOf(jurisdiction)} {type.Replace('_', ' ')} network {i}",
                ["organization_indigenous_led"] = type == "indigenous_led" ? "yes" : "no",
                ["service_name"] = hotline ? $"{Jurisdiction.NameOf(jurisdiction)} trafficking help line" : $"{Capitalize(type.Replace('_', ' '))} for survivors {i}",
                ["service_types"] = type,
                ["phone"] = hotline ? "1-833-900-1010" : Phone(random),
                ["minimum_age"] = type is "employment" or "legal_aid" ? "16" : string.Empty,
                ["accepts_minors"] = "yes",
                ["indigenous_specific"] = type == "indigenous_led" ? "yes" : "no",
                ["two_spirit_lgbtqi_plus"] = random.NextDouble() < 0.1 ? "yes" : "no",
                ["languages"] = string.Join(';', new[] { "en" }.Concat(languages.Where(_ => random.NextDouble() < (type == "interpretation" ? 1 : 0.3)))),
                ["service_areas"] = hotline ? Jurisdiction.NameOf(jurisdiction) : municipality,
                ["location_id"] = hotline ? $"{jurisdiction}-LOC-PHONE" : $"{jurisdiction}-LOC-S{i:D3}",
                ["location_name"] = hotline ? "By phone, 24/7" : $"{municipality} office",
                ["location_type"] = hotline ? "virtual" : "physical",
                ["street_address"] = hotline ? string.Empty : $"{random.Next(10, 9000)} {StreetName(random)}",
                ["municipality"] = municipality,
                ["province"] = jurisdiction,
                ["postal_code"] = hotline ? string.Empty : PostalCode(random, jurisdiction),
                ["capacity_id"] = takesIntake ? "intake" : string.Empty,
                ["capacity_unit"] = takesIntake ? "intake_slot" : string.Empty,
                ["available"] = takesIntake ? Text(random.Next(0, 6)) : string.Empty,
                ["maximum"] = takesIntake ? "5" : string.Empty,
                ["capacity_updated"] = takesIntake ? now.AddHours(-random.Next(1, 30)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : string.Empty,
            };
        }
    }

    /// <summary>A count with nothing free at the facility's full tendency; otherwise 40-90% occupied, so occupancy averages about 78%.</summary>
    private static int Available(Random random, int beds, double fullTendency)
    {
        if (random.NextDouble() < fullTendency)
        {
            return 0;
        }

        var occupied = (int)Math.Round(beds * (0.4 + (0.5 * random.NextDouble())));
        return Math.Max(1, beds - occupied);
    }

    private static string OrganizationName(string jurisdiction, bool indigenous, int i) => jurisdiction switch
    {
        "QC" => indigenous ? $"Foyer autochtone {i}" : $"Maison d'hébergement {i}",
        _ => indigenous ? $"Indigenous women's healing lodge {i}" : $"Women's shelter society {i}",
    };

    private static string StreetName(Random random) =>
        new[] { "Main Street", "King Street", "Queen Street", "Church Avenue", "Park Road", "Victoria Drive", "rue Principale" }[random.Next(7)];

    private static string PostalCode(Random random, string jurisdiction)
    {
        var first = jurisdiction switch
        {
            "NL" => 'A',
            "NS" => 'B',
            "PE" => 'C',
            "NB" => 'E',
            "QC" => 'H',
            "ON" => 'M',
            "MB" => 'R',
            "SK" => 'S',
            "AB" => 'T',
            "BC" => 'V',
            "NU" or "NT" => 'X',
            _ => 'Y',
        };
        const string letters = "ABCEGHJKLMNPRSTVWXYZ";
        return string.Create(CultureInfo.InvariantCulture, $"{first}{random.Next(10)}{letters[random.Next(letters.Length)]} {random.Next(10)}{letters[random.Next(letters.Length)]}{random.Next(10)}");
    }

    private static string Phone(Random random) => string.Create(CultureInfo.InvariantCulture, $"1-{random.Next(200, 999)}-555-{random.Next(100, 200):D4}");

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Facility(Dictionary<string, string> Row, int Beds, double FullTendency);
}
