using Federation.Contracts.V1;

namespace Federation.Sdk.Catalog;

/// <summary>Translates catalogue definitions to and from their wire form.</summary>
public static class CatalogContract
{
    public static Dataset ToContract(this DatasetDefinition dataset)
    {
        var message = new Dataset
        {
            Id = dataset.Id,
            Title = dataset.Title,
            Description = dataset.Description,
            Unit = dataset.Unit,
            ReferencePeriod = dataset.ReferencePeriod,
            Protection = dataset.Protection.ToContract(),
        };
        message.Jurisdictions.AddRange(dataset.Jurisdictions);
        foreach (var dimension in dataset.Dimensions)
        {
            var d = new Dimension { Id = dimension.Id, Title = dimension.Title };
            d.Codes.AddRange(dimension.Codes.Select(c => new Code { Code_ = c.Code, Label = c.Label }));
            message.Dimensions.Add(d);
        }

        foreach (var table in dataset.Tables)
        {
            var t = new Table { Id = table.Id, Title = table.Title, CellCount = table.CellCount };
            t.DimensionIds.AddRange(table.Dimensions.Select(d => d.Id));
            message.Tables.Add(t);
        }

        return message;
    }

    public static DatasetSummary ToSummary(this DatasetDefinition dataset) =>
        new() { Id = dataset.Id, Title = dataset.Title, Unit = dataset.Unit };

    public static Contracts.V1.ProtectionPolicy ToContract(this ProtectionPolicy policy) => policy.Mechanism switch
    {
        ProtectionMechanismKind.RandomRounding => new Contracts.V1.ProtectionPolicy
        {
            Mechanism = ProtectionMechanism.RandomRounding,
            RoundingBase = policy.RoundingBase,
        },
        ProtectionMechanismKind.DiscreteGaussian => new Contracts.V1.ProtectionPolicy
        {
            Mechanism = ProtectionMechanism.DiscreteGaussian,
            BudgetRho = policy.BudgetRho.ToString(),
            TableNoise = { policy.TableNoise.Select(t => new Contracts.V1.TableNoise { TableId = t.TableId, Variance = t.Variance.ToString() }) },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Mechanism, "Unknown protection mechanism."),
    };
}
