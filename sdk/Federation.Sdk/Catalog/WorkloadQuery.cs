namespace Federation.Sdk.Catalog;

/// <summary>
/// One query the federation publishes for every reference year (the annual report's tables): the dimensions it groups
/// by (none for a total), nationally or for each jurisdiction, and its weight. The weight says how much each of the
/// query's cells counts when a measurement plan is chosen for the workload: the plan minimises the sum, over the
/// workload's queries, of weight times the expected squared error of each of the query's cells.
/// </summary>
public sealed class WorkloadQuery
{
    public WorkloadQuery(string id, string title, IReadOnlyList<DimensionDefinition> dimensions, bool byJurisdiction, double weight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count() != dimensions.Count)
        {
            throw new ArgumentException($"Workload query '{id}' names a dimension twice.", nameof(dimensions));
        }

        if (!(weight > 0) || double.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"Workload query '{id}' needs a positive, finite weight.");
        }

        Id = id;
        Title = title;
        Dimensions = dimensions;
        ByJurisdiction = byJurisdiction;
        Weight = weight;
        CellCount = dimensions.Aggregate(1, (product, d) => checked(product * d.Codes.Count));
    }

    public string Id { get; }

    public string Title { get; }

    /// <summary>The dimensions grouped by, in the order the query names them. Empty for a total.</summary>
    public IReadOnlyList<DimensionDefinition> Dimensions { get; }

    /// <summary>Whether the query is asked for each jurisdiction (true) or for the country (false).</summary>
    public bool ByJurisdiction { get; }

    /// <summary>How much each cell's expected squared error counts in the workload's total.</summary>
    public double Weight { get; }

    /// <summary>Number of cells of one jurisdiction's (or the country's) answer.</summary>
    public int CellCount { get; }

    /// <summary>The query in words, for example "gender x age_group, by jurisdiction".</summary>
    public string Describe() =>
        (Dimensions.Count == 0 ? "total" : string.Join(" x ", Dimensions.Select(d => d.Id))) + (ByJurisdiction ? ", by jurisdiction" : ", national");

    public override string ToString() => Id;
}
