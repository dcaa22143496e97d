using Federation.Sdk.Catalog;

namespace Federation.Sdk.Tests.Catalog;

/// <summary>The catalogue's dataset, and a variant that selects the compatibility mechanism (random rounding to base 5).</summary>
internal static class TestDatasets
{
    public static DatasetDefinition Default { get; } = DatasetCatalog.Default.Get("trafficking.victims.v1");

    /// <summary>trafficking.victims.v1 as a dataset that selects random rounding to base 5 would define it.</summary>
    public static DatasetDefinition Rounded { get; } = new(
        Default.Id,
        Default.Title,
        Default.Description,
        Default.Unit,
        Default.ReferencePeriod,
        Default.Jurisdictions,
        Default.Dimensions,
        Default.Tables,
        ProtectionPolicy.RandomRounding(Default.Tables.Select(t => t.Id), 5),
        Default.Calendar,
        Default.Record,
        Default.UnitOfPrivacy,
        Default.Workload);

    public static DatasetCatalog RoundedCatalog { get; } = new([Rounded]);
}
