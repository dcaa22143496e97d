namespace Federation.Sdk.Records;

/// <summary>
/// The dataset codes derived from one case record (dimension id to code), or the problems that prevented it.
/// </summary>
public sealed record CodeMapping(IReadOnlyDictionary<string, string> Codes, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}
