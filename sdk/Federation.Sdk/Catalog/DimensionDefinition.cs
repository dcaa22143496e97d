namespace Federation.Sdk.Catalog;

/// <summary>A classification dimension and its closed code list.</summary>
public sealed class DimensionDefinition
{
    private readonly HashSet<string> _codes;

    public DimensionDefinition(string id, string title, IReadOnlyList<CodeDefinition> codes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Count == 0)
        {
            throw new ArgumentException($"Dimension '{id}' has no codes.", nameof(codes));
        }

        Id = id;
        Title = title;
        Codes = codes;
        _codes = new HashSet<string>(codes.Select(c => c.Code), StringComparer.Ordinal);
        if (_codes.Count != codes.Count)
        {
            throw new ArgumentException($"Dimension '{id}' lists a code twice.", nameof(codes));
        }
    }

    public string Id { get; }

    public string Title { get; }

    public IReadOnlyList<CodeDefinition> Codes { get; }

    /// <summary>Whether <paramref name="code"/> belongs to this dimension's code list (case-sensitive).</summary>
    public bool Contains(string code) => _codes.Contains(code);

    public override string ToString() => Id;
}
