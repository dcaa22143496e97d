using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Privacy;

public sealed class RationalTests
{
    [Theory]
    [InlineData("20", 20, 1)]
    [InlineData("0.5", 1, 2)]
    [InlineData("41/2", 41, 2)]
    [InlineData("2.5e-3", 1, 400)]
    [InlineData("-1.25", -5, 4)]
    [InlineData("6/4", 3, 2)]
    public void Decimals_and_fractions_are_read_exactly(string text, long numerator, long denominator)
    {
        Assert.Equal(new Rational(numerator, denominator), Rational.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1/0")]
    [InlineData("1.2.3")]
    [InlineData("NaN")]
    public void Text_that_is_not_an_exact_number_is_refused(string text)
    {
        Assert.False(Rational.TryParse(text, out _));
    }

    [Fact]
    public void Decimal_parameters_are_never_rounded_down()
    {
        // 0.1 has no exact double; as a rational it is exactly one tenth, so the variance used is the one given.
        Assert.Equal(new Rational(1, 10), Rational.FromDecimal(0.1m));
        Assert.Equal(new Rational(33333333333, 100000000000), Rational.Parse("0.33333333333"));
    }

    [Theory]
    [InlineData(1, 8, "0.125")]
    [InlineData(1, 3, "1/3")]
    [InlineData(-7, 2, "-3.5")]
    [InlineData(20, 1, "20")]
    public void Printed_form_is_exact(long numerator, long denominator, string text)
    {
        Assert.Equal(text, new Rational(numerator, denominator).ToString());
        Assert.Equal(new Rational(numerator, denominator), Rational.Parse(text));
    }

    [Fact]
    public void Floor_rounds_toward_minus_infinity()
    {
        Assert.Equal(2, (int)new Rational(5, 2).Floor());
        Assert.Equal(-3, (int)new Rational(-5, 2).Floor());
    }
}
