using Federation.Contracts.V1;

namespace Federation.Gateway.Query;

/// <summary>
/// How reliable a protected figure is, from the coefficient of variation cv = sqrt(variance) / value, with the
/// Statistics Canada thresholds: cv above 1/3 is "F" (too unreliable to be published), above 1/6 is "E" (use with
/// caution). A figure of zero or less with a protection error has no meaningful cv and is "F".
/// </summary>
public static class Reliability
{
    /// <summary>The two-sided 95% quantile of the standard normal distribution.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Half-width of the 95% margin of error by the normal approximation: for least-squares estimates (weighted sums of
    /// independent noise terms) and for random rounding, whose error has no fixed distribution.
    /// </summary>
    public static double Margin(double variance) => variance > 0 ? Z95 * Math.Sqrt(variance) : 0;

    public static CellStatus Classify(double value, double variance)
    {
        if (variance <= 0)
        {
            return CellStatus.Available;
        }

        if (value <= 0)
        {
            return CellStatus.TooUnreliable;
        }

        var cv = Math.Sqrt(variance) / value;
        return cv > 1.0 / 3 ? CellStatus.TooUnreliable : cv > 1.0 / 6 ? CellStatus.UseWithCaution : CellStatus.Available;
    }
}
