namespace Federation.Sdk.Synthetic;

/// <summary>
/// How many victims a synthetic jurisdiction identifies in a year, shaped on the published police-reported figures
/// (shared/domain/calibration.md). Approximate by design; never official statistics.
/// </summary>
internal static class VictimCalibration
{
    private const double OntarioShare = 0.58;
    private const double NovaScotiaShare = 0.05;

    private static readonly Dictionary<int, int> s_nationalVictims = new()
    {
        [2019] = 511,
        [2020] = 530,
        [2021] = 555,
        [2022] = 597,
        [2023] = 570,
        [2024] = 608,
    };

    // Population in millions (about 2024) of the provinces that share what Ontario, Nova Scotia and the territories leave.
    private static readonly (string Jurisdiction, double Population)[] s_otherProvinces =
    [
        ("QC", 9.0), ("BC", 5.7), ("AB", 4.9), ("MB", 1.5), ("SK", 1.2), ("NB", 0.85), ("NL", 0.54), ("PE", 0.18),
    ];

    public static int ExpectedVictims(string jurisdiction, int year)
    {
        if (!s_nationalVictims.TryGetValue(year, out var national))
        {
            throw new ArgumentOutOfRangeException(
                nameof(year), year, $"No calibration for {year}; calibrated years are {string.Join(", ", s_nationalVictims.Keys)}.");
        }

        return Apportion(national, year).TryGetValue(jurisdiction, out var count)
            ? count
            : throw new ArgumentException($"Unknown jurisdiction '{jurisdiction}'.", nameof(jurisdiction));
    }

    /// <summary>A national count shared out as the police-reported incidents are (Ontario, Nova Scotia, the territories, the rest by population).</summary>
    public static Dictionary<string, int> Apportion(int national, int year)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["ON"] = (int)Math.Round(national * OntarioShare),
            ["NS"] = (int)Math.Round(national * NovaScotiaShare),
            // The territories see a handful of cases at most; vary them by year so every count 0-3 occurs.
            ["NT"] = 1 + (year % 3),
            ["YT"] = year % 2,
            ["NU"] = (year + 1) % 3,
        };
        var rest = national - counts.Values.Sum();
        var population = s_otherProvinces.Sum(p => p.Population);
        var quotas = s_otherProvinces.Select(p => (p.Jurisdiction, Quota: rest * p.Population / population)).ToArray();
        foreach (var (jurisdiction, quota) in quotas)
        {
            counts[jurisdiction] = (int)Math.Floor(quota);
        }

        // Largest remainder, so the jurisdictions add up to the national figure exactly.
        var leftOver = national - counts.Values.Sum();
        foreach (var (jurisdiction, _) in quotas.OrderByDescending(q => q.Quota - Math.Floor(q.Quota)).Take(leftOver))
        {
            counts[jurisdiction]++;
        }

        return counts;
    }
}
