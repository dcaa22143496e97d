namespace Federation.Sdk.Catalog;

/// <summary>A versioned, published dataset: unit, dimensions with code lists, tables and protection policy.</summary>
public sealed class DatasetDefinition
{
    public DatasetDefinition(
        string id,
        string title,
        string description,
        string unit,
        string referencePeriod,
        IReadOnlyList<string> jurisdictions,
        IReadOnlyList<DimensionDefinition> dimensions,
        IReadOnlyList<TableDefinition> tables,
        ProtectionPolicy protection,
        PublicationCalendar calendar,
        RecordDefinition? record = null,
        string? unitOfPrivacy = null,
        IReadOnlyList<WorkloadQuery>? workload = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(protection);
        ArgumentNullException.ThrowIfNull(calendar);
        Id = id;
        Title = title;
        Description = description;
        Unit = unit;
        ReferencePeriod = referencePeriod;
        Jurisdictions = jurisdictions;
        Dimensions = dimensions;
        Tables = tables;
        Protection = protection;
        Calendar = calendar;
        Record = record;
        UnitOfPrivacy = unitOfPrivacy ?? unit;
        Workload = workload ?? [];
        if (Workload.Select(q => q.Id).Distinct(StringComparer.Ordinal).Count() != Workload.Count)
        {
            throw new ArgumentException($"Dataset '{id}' names a workload query twice.", nameof(workload));
        }

        if (Workload.SelectMany(q => q.Dimensions).FirstOrDefault(d => !dimensions.Contains(d)) is { } foreign)
        {
            throw new ArgumentException($"Dataset '{id}' has a workload query on '{foreign.Id}', which is not one of its dimensions.", nameof(workload));
        }
        if (protection.IsNoise && protection.ReleaseRho * new Privacy.Rational(calendar.Editions, 1) > protection.BudgetRho)
        {
            throw new ArgumentException(
                $"Dataset '{id}' schedules {calendar.Editions} editions per reference year, but its budget rho {protection.BudgetRho} pays for "
                + $"fewer releases of rho {protection.ReleaseRho}: every scheduled edition must be affordable.",
                nameof(calendar));
        }

        if (tables.Select(t => t.Id).Distinct(StringComparer.Ordinal).Count() != tables.Count)
        {
            throw new ArgumentException($"Dataset '{id}' names a table twice.", nameof(tables));
        }

        if (!protection.Tables.Select(t => t.TableId).SequenceEqual(tables.Select(t => t.Id), StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"Dataset '{id}' protects tables {string.Join(", ", protection.Tables.Select(t => t.TableId))}; "
                + $"its protection names each of its tables {string.Join(", ", tables.Select(t => t.Id))}, in that order.",
                nameof(protection));
        }
    }

    public string Id { get; }

    public string Title { get; }

    public string Description { get; }

    public string Unit { get; }

    public string ReferencePeriod { get; }

    /// <summary>The jurisdictions expected to report, as ISO 3166-2:CA codes without the "CA-" prefix.</summary>
    public IReadOnlyList<string> Jurisdictions { get; }

    public IReadOnlyList<DimensionDefinition> Dimensions { get; }

    public IReadOnlyList<TableDefinition> Tables { get; }

    public ProtectionPolicy Protection { get; }

    /// <summary>When each reference year is released and revised.</summary>
    public PublicationCalendar Calendar { get; }

    /// <summary>Whether a reference year is a calendar year or a fiscal year (April to March), and how it is written.</summary>
    public ReferencePeriodType PeriodType => Calendar.PeriodType;

    /// <summary>What a node reads and how it derives each dimension's code (null for a dataset no node produces from records).</summary>
    public RecordDefinition? Record { get; }

    /// <summary>
    /// What one unit of privacy is: the differential privacy guarantee bounds what a release reveals about one of
    /// these (for example "one court case").
    /// </summary>
    public string UnitOfPrivacy { get; }

    /// <summary>
    /// The queries the federation publishes for each reference year, with a weight each: what a measurement plan is
    /// chosen for (<c>fed privacy plan</c>). Empty when the catalogue document lists none.
    /// </summary>
    public IReadOnlyList<WorkloadQuery> Workload { get; }

    /// <summary>How people write <paramref name="referenceYear"/> for this dataset ("2023", or "2023/24" for a fiscal year).</summary>
    public string YearLabel(int referenceYear) => PeriodType.Label(referenceYear);

    public DimensionDefinition? FindDimension(string id) => Dimensions.FirstOrDefault(d => d.Id == id);

    public TableDefinition? FindTable(string id) => Tables.FirstOrDefault(t => t.Id == id);

    /// <summary>The tables whose dimensions include all of <paramref name="dimensionIds"/>, smallest grid first.</summary>
    public IReadOnlyList<TableDefinition> TablesCovering(IEnumerable<string> dimensionIds)
    {
        var wanted = dimensionIds.ToArray();
        return Tables.Where(t => t.Covers(wanted)).OrderBy(t => t.CellCount).ThenBy(t => t.Id, StringComparer.Ordinal).ToArray();
    }

    public override string ToString() => Id;
}
