namespace Federation.Sdk.Adapters.Hsds;

/// <summary>Where an HSDS feed is and how its own vocabulary maps onto the directory's codes.</summary>
public sealed class HsdsDirectoryOptions
{
    /// <summary>The taxonomy whose term codes are the directory's own codes (service types and eligibility flags).</summary>
    public const string FederationTaxonomy = "federation";

    /// <summary>An HSDS JSON file, or a folder whose .json files are read; a relative path is resolved from the node configuration's folder.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// A publisher's taxonomy terms (by term code or name, case-insensitive) and the directory code each stands for:
    /// a service type such as "emergency_shelter" or a flag such as "indigenous_specific". See README.md.
    /// </summary>
    public IDictionary<string, string> Terms { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
