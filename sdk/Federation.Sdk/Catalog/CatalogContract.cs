using System.Diagnostics.CodeAnalysis;
using Federation.Contracts.V1;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Catalog;

/// <summary>Translates catalogue definitions to and from their wire form.</summary>
public static class CatalogContract
{
    /// <summary>How people write <paramref name="referenceYear"/> for a published dataset ("2023", or "2023/24" for a fiscal year).</summary>
    public static string YearLabel(this Dataset dataset, int referenceYear) =>
        (ReferencePeriodType.Find(dataset.PeriodType) ?? ReferencePeriodType.CalendarYear).Label(referenceYear);

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
            PublicationCalendar = new PublishedCalendar(),
            PeriodType = dataset.PeriodType.Name,
            UnitOfPrivacy = dataset.UnitOfPrivacy,
        };
        message.PublicationCalendar.Editions.AddRange(dataset.Calendar.EditionMonthsAfterYearEnd.Select((months, i) =>
            new PublishedEdition { Edition = i + 1, MonthsAfterYearEnd = months }));
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

    /// <summary>
    /// The wire form of a policy: one entry per table with its mechanism, parameter and rho; the shared mechanism (and
    /// rounding base) also at the policy level, so readers written before per-table mechanisms still understand it.
    /// </summary>
    public static Contracts.V1.ProtectionPolicy ToContract(this ProtectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var message = new Contracts.V1.ProtectionPolicy
        {
            Mechanism = policy.CommonMechanism is { } common ? ToContract(common) : ProtectionMechanism.Unspecified,
            BudgetRho = policy.IsNoise ? policy.BudgetRho.ToString() : string.Empty,
        };
        if (!policy.IsNoise && policy.Tables.Select(t => t.RoundingBase).Distinct().Count() == 1)
        {
            message.RoundingBase = policy.Tables[0].RoundingBase;
        }

        message.TableNoise.AddRange(policy.Tables.Select(t => new Contracts.V1.TableNoise
        {
            TableId = t.TableId,
            Mechanism = ToContract(t.Mechanism),
            Variance = t.Mechanism == ProtectionMechanismKind.DiscreteGaussian ? t.Variance.ToString() : string.Empty,
            Scale = t.Mechanism == ProtectionMechanismKind.DiscreteLaplace ? t.Scale.ToString() : string.Empty,
            RoundingBase = t.RoundingBase,
            Rho = t.IsNoise ? t.Rho.ToString() : string.Empty,
        }));
        return message;
    }

    /// <summary>
    /// What a release declares: the policy in the oldest wire form that states it fully. A policy of discrete Gaussian
    /// noise on every table, or of random rounding to one base, is written as before per-table mechanisms (policy-level
    /// mechanism with variances, or with the base), so gateways from before accept releases under an unchanged policy
    /// and an unchanged release keeps its bytes; any other policy is written per table (<see cref="ToContract(ProtectionPolicy)"/>).
    /// </summary>
    public static Contracts.V1.ProtectionPolicy ToDeclaration(this ProtectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var full = policy.ToContract();
        switch (full.Mechanism)
        {
            case ProtectionMechanism.DiscreteGaussian:
                var gaussian = new Contracts.V1.ProtectionPolicy { Mechanism = full.Mechanism, BudgetRho = full.BudgetRho };
                gaussian.TableNoise.AddRange(full.TableNoise.Select(t => new Contracts.V1.TableNoise { TableId = t.TableId, Variance = t.Variance }));
                return gaussian;
            case ProtectionMechanism.RandomRounding when full.RoundingBase != 0:
                return new Contracts.V1.ProtectionPolicy { Mechanism = full.Mechanism, RoundingBase = full.RoundingBase };
            default:
                return full;
        }
    }

    /// <summary>
    /// The table entries of a wire policy. A random rounding policy with no entries (the form written before per-table
    /// mechanisms) rounds every one of <paramref name="tableIds"/> to its base.
    /// </summary>
    public static IReadOnlyList<Contracts.V1.TableNoise> TableEntries(this Contracts.V1.ProtectionPolicy policy, IEnumerable<string> tableIds)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tableIds);
        return policy.TableNoise.Count == 0 && policy.Mechanism == ProtectionMechanism.RandomRounding
            ? tableIds.Select(id => new Contracts.V1.TableNoise { TableId = id }).ToArray()
            : policy.TableNoise;
    }

    /// <summary>
    /// Reads one table entry of a wire policy. An entry without a mechanism takes the policy's, and a rounding entry
    /// without a base the policy's (the form written before per-table mechanisms). On failure, <paramref name="field"/>
    /// is the entry's field at fault (".mechanism", ".variance", ".scale" or ".rounding_base") and <paramref name="problem"/> says why.
    /// </summary>
    public static bool TryReadTable(
        Contracts.V1.TableNoise entry,
        Contracts.V1.ProtectionPolicy policy,
        [NotNullWhen(true)] out TableProtection? protection,
        out string field,
        out string problem)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(policy);
        protection = null;
        field = string.Empty;
        problem = string.Empty;
        var mechanism = entry.Mechanism == ProtectionMechanism.Unspecified ? policy.Mechanism : entry.Mechanism;
        switch (mechanism)
        {
            case ProtectionMechanism.DiscreteGaussian when PositiveRational(entry.Variance) is { } variance:
                protection = TableProtection.DiscreteGaussian(entry.TableId, variance);
                return true;
            case ProtectionMechanism.DiscreteGaussian:
                (field, problem) = (".variance", $"The noise variance '{entry.Variance}' of table {entry.TableId} is not a positive exact number such as \"20\" or \"41/2\".");
                return false;
            case ProtectionMechanism.DiscreteLaplace when PositiveRational(entry.Scale) is { } scale:
                protection = TableProtection.DiscreteLaplace(entry.TableId, scale);
                return true;
            case ProtectionMechanism.DiscreteLaplace:
                (field, problem) = (".scale", $"The noise scale '{entry.Scale}' of table {entry.TableId} is not a positive exact number such as \"2\" or \"5/2\".");
                return false;
            case ProtectionMechanism.RandomRounding:
                var roundingBase = entry.RoundingBase != 0 ? entry.RoundingBase : policy.RoundingBase;
                if (roundingBase >= 2)
                {
                    protection = TableProtection.RandomRounding(entry.TableId, roundingBase);
                    return true;
                }

                (field, problem) = (".rounding_base", $"The rounding base {roundingBase} of table {entry.TableId} is below 2.");
                return false;
            default:
                (field, problem) = (".mechanism", $"Table {entry.TableId} declares no known protection mechanism ({mechanism}).");
                return false;
        }
    }

    private static ProtectionMechanism ToContract(ProtectionMechanismKind mechanism) => mechanism switch
    {
        ProtectionMechanismKind.RandomRounding => ProtectionMechanism.RandomRounding,
        ProtectionMechanismKind.DiscreteGaussian => ProtectionMechanism.DiscreteGaussian,
        ProtectionMechanismKind.DiscreteLaplace => ProtectionMechanism.DiscreteLaplace,
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "Unknown protection mechanism."),
    };

    private static Rational? PositiveRational(string text) =>
        Rational.TryParse(text, out var value) && value.Sign > 0 ? value : null;
}
