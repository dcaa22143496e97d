namespace Federation.Sdk.Validation;

/// <summary>Remembers where each case id was first seen in one run, to catch duplicates.</summary>
public sealed class CaseIdRegister
{
    private readonly Dictionary<string, string> _firstSeenAt = new(StringComparer.Ordinal);

    /// <summary>Registers a case id; false with the first location when it was already seen.</summary>
    public bool TryRegister(string caseId, string location, out string? firstSeenAt)
    {
        if (_firstSeenAt.TryGetValue(caseId, out firstSeenAt))
        {
            return false;
        }

        _firstSeenAt.Add(caseId, location);
        return true;
    }
}
