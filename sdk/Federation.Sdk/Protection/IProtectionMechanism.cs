using Federation.Sdk.Catalog;

namespace Federation.Sdk.Protection;

/// <summary>Turns a cell's true count into the protected value that may leave the node.</summary>
public interface IProtectionMechanism
{
    /// <summary>The policy this mechanism implements, declared in every submission.</summary>
    ProtectionPolicy Policy { get; }

    long Protect(CellContext cell, long trueValue);
}
