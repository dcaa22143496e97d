namespace Federation.Sdk.Catalog;

/// <summary>The protection mechanisms a dataset can require of its releases.</summary>
public enum ProtectionMechanismKind
{
    /// <summary>Unbiased random rounding to a base, each cell's draw fixed by a keyed hash.</summary>
    RandomRounding = 1,
}

/// <summary>The protection every release of a dataset must apply.</summary>
public sealed record ProtectionPolicy(ProtectionMechanismKind Mechanism, int RoundingBase);
