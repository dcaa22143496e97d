namespace Federation.Sdk.Synthetic;

/// <summary>
/// The shape of synthetic service directories, from published figures (shared/domain/calibration.md): 560
/// residential facilities for victims of abuse (2022/23), about 6,500 short-term beds, 78% occupied and 36% of
/// facilities full on snapshot day. Facilities are spread by population with at least four per jurisdiction.
/// Never official statistics.
/// </summary>
public static class ServiceCalibration
{
    public const int NationalFacilities = 560;
    public const double Occupancy = 0.78;
    public const double ShareFull = 0.36;
    public const double MeanBeds = 6500.0 / NationalFacilities;
    private const int MinimumFacilities = 4;

    private static readonly Dictionary<string, double> s_populationMillions = new(StringComparer.Ordinal)
    {
        ["ON"] = 16.1,
        ["QC"] = 9.0,
        ["BC"] = 5.7,
        ["AB"] = 4.9,
        ["MB"] = 1.5,
        ["SK"] = 1.2,
        ["NS"] = 1.1,
        ["NB"] = 0.85,
        ["NL"] = 0.54,
        ["PE"] = 0.18,
        ["NT"] = 0.045,
        ["YT"] = 0.046,
        ["NU"] = 0.041,
    };

    /// <summary>Residential facilities of a jurisdiction; the thirteen add up to <see cref="NationalFacilities"/>.</summary>
    public static int Facilities(string jurisdiction)
    {
        // Largest-remainder allocation of what is left after the minimum, so the total is exact.
        var spare = NationalFacilities - (MinimumFacilities * s_populationMillions.Count);
        var total = s_populationMillions.Values.Sum();
        var quotas = s_populationMillions.ToDictionary(p => p.Key, p => spare * p.Value / total);
        var floors = quotas.ToDictionary(q => q.Key, q => (int)Math.Floor(q.Value));
        var left = spare - floors.Values.Sum();
        foreach (var key in quotas.OrderByDescending(q => q.Value - Math.Floor(q.Value)).ThenBy(q => q.Key, StringComparer.Ordinal).Take(left).Select(q => q.Key))
        {
            floors[key]++;
        }

        return MinimumFacilities + floors[jurisdiction];
    }

    /// <summary>Places named in a jurisdiction's synthetic directory (real municipalities).</summary>
    public static IReadOnlyList<string> Municipalities(string jurisdiction) => jurisdiction switch
    {
        "AB" => ["Calgary", "Edmonton", "Red Deer", "Lethbridge", "Fort McMurray", "Grande Prairie"],
        "BC" => ["Vancouver", "Surrey", "Victoria", "Kelowna", "Prince George", "Kamloops", "Nanaimo"],
        "MB" => ["Winnipeg", "Brandon", "Thompson", "Steinbach"],
        "NB" => ["Moncton", "Saint John", "Fredericton", "Bathurst"],
        "NL" => ["St. John's", "Corner Brook", "Gander", "Happy Valley-Goose Bay"],
        "NS" => ["Halifax", "Sydney", "Truro", "Yarmouth", "New Glasgow"],
        "NT" => ["Yellowknife", "Inuvik", "Hay River"],
        "NU" => ["Iqaluit", "Rankin Inlet", "Cambridge Bay"],
        "ON" => ["Toronto", "Ottawa", "Mississauga", "Hamilton", "London", "Brampton", "Windsor", "Sudbury", "Thunder Bay", "Kingston", "Barrie", "Kitchener"],
        "PE" => ["Charlottetown", "Summerside"],
        "QC" => ["Montréal", "Québec", "Laval", "Gatineau", "Sherbrooke", "Trois-Rivières", "Saguenay"],
        "SK" => ["Saskatoon", "Regina", "Prince Albert", "Moose Jaw"],
        "YT" => ["Whitehorse", "Dawson City", "Watson Lake"],
        _ => throw new ArgumentException($"Unknown jurisdiction '{jurisdiction}'.", nameof(jurisdiction)),
    };

    /// <summary>Languages services of a jurisdiction are delivered in, beyond English: official, Indigenous and common migrant languages.</summary>
    public static IReadOnlyList<string> Languages(string jurisdiction) => jurisdiction switch
    {
        "QC" => ["fr", "cr", "iu", "es", "ar"],
        "NB" => ["fr", "mic"],
        "NS" or "PE" => ["fr", "mic"],
        "ON" => ["fr", "oj", "cr", "es", "tl", "pa", "zh", "ar"],
        "MB" or "SK" => ["fr", "cr", "oj", "tl"],
        "AB" => ["fr", "cr", "bla", "tl", "pa", "es"],
        "BC" => ["fr", "pa", "zh", "tl", "es", "hur"],
        "NU" => ["iu", "ikt", "fr"],
        "NT" => ["fr", "den", "chp", "iu"],
        "YT" => ["fr", "ttm"],
        "NL" => ["fr", "iu", "moe"],
        _ => ["fr"],
    };
}
