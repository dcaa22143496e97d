namespace Federation.Sdk.Validation;

/// <summary>What validation decided for one record.</summary>
public abstract record RecordVerdict
{
    private RecordVerdict()
    {
    }

    /// <summary>
    /// A record counted in <paramref name="ReferenceYear"/>, with the position of its code in each dimension's code
    /// list (dimensions in the dataset's order).
    /// </summary>
    public sealed record Accepted(int ReferenceYear, IReadOnlyList<int> CodeIndexes) : RecordVerdict;

    /// <summary>Outside the dataset's unit of count (the catalogue's record scope).</summary>
    public sealed record OutOfScope : RecordVerdict;

    /// <summary>Invalid; held back with the reason.</summary>
    public sealed record Quarantined(string Reason) : RecordVerdict;
}
