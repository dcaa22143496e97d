#!/usr/bin/env python3
"""Independent goodness-of-fit check of integer noise samples (Python standard library only).

Reads one integer per line on standard input and tests them against the exact distribution:
  goodness_of_fit.py discrete-gaussian VARIANCE   P(y) proportional to exp(-y^2 / (2 VARIANCE))
  goodness_of_fit.py discrete-laplace SCALE       P(y) proportional to exp(-|y| / SCALE)
Runs a chi-square test (bins with at least 5 expected draws, tails pooled) and a Kolmogorov-Smirnov test, both at
significance 1e-6, and exits with 1 when either rejects. Prints the statistics.
"""
import math
import sys
from fractions import Fraction

ALPHA = 1e-6


def pmf(mechanism, parameter, support):
    if mechanism == "discrete-gaussian":
        weights = {y: math.exp(-y * y / (2 * parameter)) for y in support}
    elif mechanism == "discrete-laplace":
        weights = {y: math.exp(-abs(y) / parameter) for y in support}
    else:
        raise SystemExit(f"unknown mechanism {mechanism}")
    total = math.fsum(weights.values())
    return {y: w / total for y, w in weights.items()}


def upper_regularized_gamma(a, x):
    """Q(a, x) = Gamma(a, x) / Gamma(a), by series (x < a + 1) or continued fraction (Numerical Recipes 6.2)."""
    if x <= 0:
        return 1.0
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-16:
            n += 1
            term *= x / n
            total += term
        return 1.0 - total * math.exp(-x + a * math.log(x) - math.lgamma(a))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    i = 1
    while True:
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
        i += 1
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def chi_square_critical(df, alpha=ALPHA):
    low, high = 0.0, 10.0 * df + 200
    for _ in range(200):
        mid = (low + high) / 2
        if upper_regularized_gamma(df / 2, mid / 2) > alpha:
            low = mid
        else:
            high = mid
    return high


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "critical":
        print(chi_square_critical(int(sys.argv[2])))
        return 0
    mechanism, parameter = sys.argv[1], float(Fraction(sys.argv[2]))
    draws = [int(line) for line in sys.stdin if line.strip()]
    n = len(draws)
    spread = int(40 * math.sqrt(parameter) + 40 * parameter + 50)
    support = range(-spread, spread + 1)
    p = pmf(mechanism, parameter, support)

    # Bins: the central values with at least 5 expected draws each, the two tails pooled.
    central = [y for y in support if p[y] * n >= 5]
    low, high = min(central), max(central)
    observed = {y: 0 for y in range(low, high + 1)}
    below = above = 0
    for y in draws:
        if y < low:
            below += 1
        elif y > high:
            above += 1
        else:
            observed[y] += 1
    expected_below = n * math.fsum(p[y] for y in support if y < low)
    expected_above = n * math.fsum(p[y] for y in support if y > high)
    chi2 = 0.0
    bins = 0
    for y in range(low, high + 1):
        e = n * p[y]
        chi2 += (observed[y] - e) ** 2 / e
        bins += 1
    for o, e in ((below, expected_below), (above, expected_above)):
        if e > 0:
            chi2 += (o - e) ** 2 / e
            bins += 1
    df = bins - 1
    p_value = upper_regularized_gamma(df / 2, chi2 / 2)

    # Kolmogorov-Smirnov against the exact CDF at every integer (conservative for a discrete distribution).
    counts = {}
    for y in draws:
        counts[y] = counts.get(y, 0) + 1
    cdf = empirical = 0.0
    ks = 0.0
    for y in support:
        cdf += p[y]
        empirical += counts.get(y, 0) / n
        ks = max(ks, abs(empirical - cdf))
    ks_critical = math.sqrt(-math.log(ALPHA / 2) / (2 * n))

    print(f"n={n} chi2={chi2:.3f} df={df} p={p_value:.3g} ks={ks:.5f} ks_critical={ks_critical:.5f}")
    return 0 if p_value >= ALPHA and ks <= ks_critical else 1


if __name__ == "__main__":
    sys.exit(main())
