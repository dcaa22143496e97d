using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Cli.Output;

/// <summary>Describes a published protection policy in words, for people.</summary>
internal static class ProtectionText
{
    /// <summary>One line: the kind of protection and, for noise, what a release costs and the budget.</summary>
    public static string Describe(Dataset dataset)
    {
        var tables = Tables(dataset).Values.OfType<TableProtection>().ToArray();
        if (tables.Length == 0)
        {
            return dataset.Protection?.Mechanism.ToString() ?? "none published";
        }

        if (!tables.Any(t => t.IsNoise))
        {
            return $"unbiased random rounding (no formal privacy guarantee; {PerTable(tables)})";
        }

        var mechanisms = string.Join(" and ", tables.Select(t => t.Mechanism).Distinct().Select(m => m == ProtectionMechanismKind.DiscreteLaplace ? "discrete Laplace" : "discrete Gaussian"));
        var release = tables.Aggregate(Rational.Zero, (sum, t) => sum + t.Rho);
        return $"exact {mechanisms} noise with zCDP accounting ({PerTable(tables)}); one release costs rho {release}, "
            + $"budget rho {dataset.Protection.BudgetRho} per node and reference year";
    }

    private static string PerTable(IEnumerable<TableProtection> tables) => string.Join(", ", tables.Select(t => t.TableId + " " + t.Mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian => $"variance {t.Variance}",
        ProtectionMechanismKind.DiscreteLaplace => $"Laplace scale {t.Scale}",
        _ => $"base {t.RoundingBase}",
    }));

    /// <summary>Each table's published protection, or null where the gateway published none this client understands.</summary>
    public static IReadOnlyDictionary<string, TableProtection?> Tables(Dataset dataset)
    {
        var tables = dataset.Tables.ToDictionary(t => t.Id, _ => (TableProtection?)null, StringComparer.Ordinal);
        if (dataset.Protection is null)
        {
            return tables;
        }

        foreach (var entry in dataset.Protection.TableEntries(dataset.Tables.Select(t => t.Id)))
        {
            if (tables.ContainsKey(entry.TableId) && CatalogContract.TryReadTable(entry, dataset.Protection, out var protection, out _, out _))
            {
                tables[entry.TableId] = protection;
            }
        }

        return tables;
    }
}
