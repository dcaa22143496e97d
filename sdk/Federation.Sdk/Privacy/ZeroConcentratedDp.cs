namespace Federation.Sdk.Privacy;

/// <summary>
/// zCDP accounting: the cost of Gaussian noise and the optimal conversion of rho-zCDP to (epsilon, delta)-DP
/// (Canonne, Kamath and Steinke 2020, section 2.3; the same computation as OpenDP's cdp_delta and cdp_epsilon).
/// Accounting uses doubles; sampling never does.
/// </summary>
public static class ZeroConcentratedDp
{
    /// <summary>rho = sensitivity^2 / (2 variance) for Gaussian noise of that variance on a query of that (L2) sensitivity.</summary>
    public static Rational RhoOfGaussian(Rational variance, long sensitivity = 1)
    {
        if (variance.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(variance), variance, "The noise variance must be positive.");
        }

        Rational squared = checked(sensitivity * sensitivity);
        return squared / (2 * variance);
    }

    /// <summary>
    /// rho = epsilon^2 / 2 for an epsilon-DP mechanism (pure differential privacy implies (epsilon^2/2)-zCDP: Bun and
    /// Steinke 2016, proposition 1.4). The discrete Laplace of scale t on a count is epsilon-DP with epsilon = 1/t.
    /// </summary>
    public static Rational RhoOfPureDp(Rational epsilon)
    {
        if (epsilon.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        }

        return epsilon * epsilon / 2;
    }

    /// <summary>The smallest delta such that rho-zCDP implies (epsilon, delta)-DP.</summary>
    public static double Delta(double rho, double epsilon)
    {
        if (double.IsNaN(rho) || rho < 0 || double.IsNegative(rho))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be non-negative.");
        }

        if (double.IsNaN(epsilon) || epsilon < 0 || double.IsNegative(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be non-negative.");
        }

        if (rho == 0 || double.IsPositiveInfinity(epsilon))
        {
            return 0;
        }

        if (double.IsPositiveInfinity(rho))
        {
            return 1;
        }

        // delta(alpha) = exp((alpha-1)(alpha rho - epsilon) + alpha ln(1 - 1/alpha)) / (alpha - 1) bounds delta for every
        // alpha > 1; it is convex there, so bisect on the sign of its derivative for the best alpha.
        var alphaMax = ((epsilon + 1) / (2 * rho)) + 2;
        var alphaMin = 1.01;
        while (true)
        {
            var mid = alphaMin + ((alphaMax - alphaMin) / 2);
            if (mid == alphaMax || mid == alphaMin)
            {
                break;
            }

            var derivative = (((2 * mid) - 1) * rho) - epsilon + LogOnePlus(-1 / mid);
            if (derivative < 0)
            {
                alphaMin = mid;
            }
            else
            {
                alphaMax = mid;
            }
        }

        var a = alphaMax;
        var delta = Math.Exp(((a - 1) * ((a * rho) - epsilon)) + (a * LogOnePlus(-1 / a))) / (a - 1);
        return Math.Min(delta, 1);
    }

    /// <summary>The smallest epsilon such that rho-zCDP implies (epsilon, delta)-DP.</summary>
    public static double Epsilon(double rho, double delta)
    {
        if (double.IsNaN(rho) || rho < 0 || double.IsNegative(rho))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be non-negative.");
        }

        if (double.IsNaN(delta) || delta <= 0 || delta > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in (0, 1].");
        }

        if (rho == 0)
        {
            return 0;
        }

        if (double.IsPositiveInfinity(rho))
        {
            return double.PositiveInfinity;
        }

        // epsilon(alpha) = alpha rho + (ln(1/delta) + (alpha-1) ln((alpha-1)/alpha) - ln(alpha)) / (alpha-1);
        // its derivative is positive exactly when rho > -ln(alpha delta) / (alpha-1)^2.
        bool Increasing(double a) => rho > -Math.Log(a * delta) / ((a - 1) * (a - 1));
        var alphaMin = 1.01;
        var alphaMax = 2.0;
        while (!Increasing(alphaMax))
        {
            alphaMax *= 2;
        }

        while (true)
        {
            var mid = alphaMin + ((alphaMax - alphaMin) / 2);
            if (mid == alphaMax || mid == alphaMin)
            {
                break;
            }

            if (Increasing(mid))
            {
                alphaMax = mid;
            }
            else
            {
                alphaMin = mid;
            }
        }

        var am1 = alphaMax - 1;
        var numerator = (Math.Log(am1 / alphaMax) * am1) - Math.Log(alphaMax) + Math.Log(1 / delta);
        return Math.Max(0, (alphaMax * rho) + (numerator / am1));
    }

    // ln(1 + x), accurate for small x.
    private static double LogOnePlus(double x) =>
        Math.Abs(x) < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);
}
