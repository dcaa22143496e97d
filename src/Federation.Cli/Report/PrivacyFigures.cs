using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Sdk.Privacy;

namespace Federation.Cli.Report;

/// <summary>
/// A dataset's published privacy parameters for the methodology: the zCDP budget per node and year, what one release
/// costs, and both as epsilon at delta = 1e-6 (the optimal conversion of <see cref="ZeroConcentratedDp"/>).
/// </summary>
internal sealed record PrivacyFigures(double BudgetRho, double ReleaseRho, double BudgetEpsilon, double ReleaseEpsilon)
{
    public const double Delta = 1e-6;

    /// <summary>The figures of a noise-protected dataset; null when it publishes no zCDP budget (random rounding).</summary>
    public static PrivacyFigures? Of(Dataset dataset)
    {
        var tables = ProtectionText.Tables(dataset).Values.OfType<Sdk.Catalog.TableProtection>().Where(t => t.IsNoise).ToArray();
        if (tables.Length == 0 || !Rational.TryParse(dataset.Protection?.BudgetRho, out var budget) || budget.Sign <= 0)
        {
            return null;
        }

        var release = tables.Aggregate(Rational.Zero, (sum, t) => sum + t.Rho).ToDouble();
        return new PrivacyFigures(
            budget.ToDouble(),
            release,
            ZeroConcentratedDp.Epsilon(budget.ToDouble(), Delta),
            ZeroConcentratedDp.Epsilon(release, Delta));
    }
}
