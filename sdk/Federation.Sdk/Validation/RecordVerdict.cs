namespace Federation.Sdk.Validation;

/// <summary>What validation decided for one case record.</summary>
public abstract record RecordVerdict
{
    private RecordVerdict()
    {
    }

    /// <summary>A victim counted in <paramref name="ReferenceYear"/> with its code per dimension.</summary>
    public sealed record Accepted(int ReferenceYear, IReadOnlyDictionary<string, string> Codes) : RecordVerdict;

    /// <summary>Not a victim of trafficking: outside the dataset's unit of count.</summary>
    public sealed record OutOfScope : RecordVerdict;

    /// <summary>Invalid; held back with the reason.</summary>
    public sealed record Quarantined(string Reason) : RecordVerdict;
}
