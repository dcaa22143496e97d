namespace Federation.Sdk.Catalog;

/// <summary>Canada's provinces and territories, by ISO 3166-2:CA code without the "CA-" prefix.</summary>
public static class Jurisdiction
{
    private static readonly Dictionary<string, string> s_names = new(StringComparer.Ordinal)
    {
        ["AB"] = "Alberta",
        ["BC"] = "British Columbia",
        ["MB"] = "Manitoba",
        ["NB"] = "New Brunswick",
        ["NL"] = "Newfoundland and Labrador",
        ["NS"] = "Nova Scotia",
        ["NT"] = "Northwest Territories",
        ["NU"] = "Nunavut",
        ["ON"] = "Ontario",
        ["PE"] = "Prince Edward Island",
        ["QC"] = "Quebec",
        ["SK"] = "Saskatchewan",
        ["YT"] = "Yukon",
    };

    /// <summary>All thirteen codes in alphabetical order.</summary>
    public static IReadOnlyList<string> All { get; } = s_names.Keys.Order(StringComparer.Ordinal).ToArray();

    public static bool IsValid(string? code) => code is not null && s_names.ContainsKey(code);

    /// <summary>The English name of a jurisdiction, for example "Nova Scotia" for "NS".</summary>
    public static string NameOf(string code) =>
        s_names.TryGetValue(code, out var name) ? name : throw new ArgumentException($"Unknown jurisdiction '{code}'.", nameof(code));
}
