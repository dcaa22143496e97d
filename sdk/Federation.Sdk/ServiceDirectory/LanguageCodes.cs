namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// ISO 639 language codes: two-letter ISO 639-1, three-letter ISO 639-2 (B and T) and ISO 639-3 codes, including
/// the macrolanguages and individual languages of Canada's First Nations and Inuit (for example "cr", "crk", "iu").
/// The list is the ISO 639-3 code table embedded in the SDK (ServiceDirectory/Languages/iso639.tsv).
/// </summary>
public static class LanguageCodes
{
    private static readonly Lazy<Dictionary<string, string>> s_names = new(Load);
    private static readonly Lazy<Dictionary<string, string>> s_canonical = new(LoadCanonical);

    /// <summary>Whether <paramref name="code"/> is an ISO 639 code (case-insensitive).</summary>
    public static bool IsValid(string? code) => code is not null && s_names.Value.ContainsKey(code.Trim().ToLowerInvariant());

    /// <summary>The English name of a valid code, for example "Inuktitut" for "iu".</summary>
    public static string? NameOf(string code) =>
        s_names.Value.TryGetValue(code.Trim().ToLowerInvariant(), out var name) ? name : null;

    /// <summary>The canonical form of a code: trimmed and lower case.</summary>
    public static string Normalize(string code) => code.Trim().ToLowerInvariant();

    /// <summary>The ISO 639-3 code a valid code stands for ("fr", "fre" and "fra" are all "fra"), so codes of different parts compare equal.</summary>
    public static string? ToIso6393(string code) =>
        s_canonical.Value.TryGetValue(Normalize(code), out var canonical) ? canonical : null;

    private static Dictionary<string, string> Load() => Read(fields => fields[4]);

    private static Dictionary<string, string> LoadCanonical() => Read(fields => fields[0]);

    private static Dictionary<string, string> Read(Func<string[], string> value)
    {
        using var stream = typeof(LanguageCodes).Assembly.GetManifestResourceStream("Federation.Sdk.ServiceDirectory.Languages.iso639.tsv")
            ?? throw new InvalidOperationException("The ISO 639 code table is missing from the SDK assembly.");
        using var reader = new StreamReader(stream);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split('\t');
            foreach (var code in fields.AsSpan(0, 4))
            {
                if (code.Length > 0)
                {
                    names.TryAdd(code, value(fields));
                }
            }
        }

        return names;
    }
}
