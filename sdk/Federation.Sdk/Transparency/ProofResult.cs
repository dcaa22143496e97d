namespace Federation.Sdk.Transparency;

/// <summary>The verdict on a proof: valid, or invalid with the reason in words.</summary>
public sealed record ProofResult(bool IsValid, string? Failure)
{
    public static ProofResult Valid { get; } = new(true, null);

    public static ProofResult Invalid(string reason) => new(false, reason);
}
