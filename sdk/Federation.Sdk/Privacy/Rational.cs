using System.Globalization;
using System.Numerics;

namespace Federation.Sdk.Privacy;

/// <summary>An exact rational number (BigInteger numerator and positive denominator, always in lowest terms).</summary>
public readonly struct Rational : IEquatable<Rational>, IComparable<Rational>
{
    private readonly BigInteger _denominator;

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A rational number cannot have a zero denominator.");
        }

        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        var divisor = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!divisor.IsOne && !divisor.IsZero)
        {
            numerator /= divisor;
            denominator /= divisor;
        }

        Numerator = numerator;
        _denominator = denominator;
    }

    public static Rational Zero => new(0, 1);

    public static Rational One => new(1, 1);

    public BigInteger Numerator { get; }

    /// <summary>Always positive (1 for the default value).</summary>
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    public int Sign => Numerator.Sign;

    /// <summary>
    /// Parses an exact decimal ("20", "0.5", "2.5e-3") or a fraction ("41/2"). A decimal is converted exactly, so a
    /// parameter is never rounded down on its way into the samplers.
    /// </summary>
    public static Rational Parse(string text)
    {
        if (TryParse(text, out var value))
        {
            return value;
        }

        throw new FormatException($"'{text}' is not an exact number: give a decimal such as 20 or 0.5, or a fraction such as 41/2.");
    }

    public static bool TryParse(string? text, out Rational value)
    {
        value = Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!BigInteger.TryParse(text[..slash], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                || !BigInteger.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                || d.IsZero)
            {
                return false;
            }

            value = new Rational(n, d);
            return true;
        }

        var exponent = 0;
        var e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 1000)
            {
                return false;
            }

            text = text[..e];
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? text : text[..point] + text[(point + 1)..];
        var fractionDigits = point < 0 ? 0 : text.Length - point - 1;
        if (digits is "" or "-" or "+" || digits.Skip(digits[0] is '-' or '+' ? 1 : 0).Any(c => c is < '0' or > '9'))
        {
            return false;
        }

        var numerator = BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var scale = exponent - fractionDigits;
        value = scale >= 0
            ? new Rational(numerator * BigInteger.Pow(10, scale), 1)
            : new Rational(numerator, BigInteger.Pow(10, -scale));
        return true;
    }

    /// <summary>The exact value of a decimal.</summary>
    public static Rational FromDecimal(decimal value) => Parse(value.ToString(CultureInfo.InvariantCulture));

    public static implicit operator Rational(long value) => new(value, 1);

    public static Rational operator +(Rational a, Rational b) =>
        new((a.Numerator * b.Denominator) + (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static Rational operator -(Rational a, Rational b) =>
        new((a.Numerator * b.Denominator) - (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static Rational operator *(Rational a, Rational b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational operator /(Rational a, Rational b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static bool operator ==(Rational a, Rational b) => a.Equals(b);

    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);

    public static bool operator <(Rational a, Rational b) => a.CompareTo(b) < 0;

    public static bool operator >(Rational a, Rational b) => a.CompareTo(b) > 0;

    public static bool operator <=(Rational a, Rational b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Rational a, Rational b) => a.CompareTo(b) >= 0;

    public Rational Reciprocal() => new(Denominator, Numerator);

    /// <summary>The largest integer not above this number.</summary>
    public BigInteger Floor() => BigInteger.Divide(Numerator - (Numerator.Sign < 0 ? Denominator - 1 : 0), Denominator);

    /// <summary>The nearest double, for display and accounting only (never for sampling).</summary>
    public double ToDouble()
    {
        var exact = new BigInteger(1L << 53);
        if (BigInteger.Abs(Numerator) < exact && Denominator < exact)
        {
            return (double)Numerator / (double)Denominator;
        }

        return Numerator.IsZero ? 0 : Numerator.Sign * Math.Exp(BigInteger.Log(BigInteger.Abs(Numerator)) - BigInteger.Log(Denominator));
    }

    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is Rational other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    /// <summary>An exact decimal when the denominator has no prime factor but 2 and 5 ("0.125"), else a fraction ("1/3").</summary>
    public override string ToString()
    {
        var d = Denominator;
        var twos = 0;
        var fives = 0;
        while (d.IsEven)
        {
            d /= 2;
            twos++;
        }

        while ((d % 5).IsZero)
        {
            d /= 5;
            fives++;
        }

        if (!d.IsOne)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");
        }

        var places = Math.Max(twos, fives);
        if (places == 0)
        {
            return Numerator.ToString(CultureInfo.InvariantCulture);
        }

        var scaled = BigInteger.Abs(Numerator * BigInteger.Pow(10, places) / Denominator).ToString(CultureInfo.InvariantCulture).PadLeft(places + 1, '0');
        return (Numerator.Sign < 0 ? "-" : string.Empty) + scaled[..^places] + "." + scaled[^places..];
    }
}
