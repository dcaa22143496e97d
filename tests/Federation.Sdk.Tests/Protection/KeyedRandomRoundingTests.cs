using Federation.Sdk.Catalog;
using Federation.Sdk.Protection;

namespace Federation.Sdk.Tests.Protection;

public class KeyedRandomRoundingTests
{
    private static readonly byte[] s_key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static readonly ProtectionPolicy s_baseFive = ProtectionPolicy.RandomRounding(["T2", "T3"], 5);

    private static CellContext Cell(int n) => new("trafficking.victims.v1", "NS", 2023, "T2", ["SEXUAL_EXPLOITATION", $"CELL_{n}"]);

    [Fact]
    public void Multiples_of_the_base_are_unchanged()
    {
        var rounding = new KeyedRandomRounding(s_key, s_baseFive);

        for (var value = 0L; value <= 100; value += 5)
        {
            Assert.Equal(value, rounding.Protect(Cell((int)value), value));
        }
    }

    [Fact]
    public void Output_is_a_multiple_of_the_base_adjacent_to_the_true_value()
    {
        var rounding = new KeyedRandomRounding(s_key, s_baseFive);

        for (var n = 0; n < 2_000; n++)
        {
            var value = (long)n % 97;
            var protectedValue = rounding.Protect(Cell(n), value);
            Assert.Equal(0, protectedValue % 5);
            Assert.InRange(protectedValue, value - 4, value + 4);
        }
    }

    [Fact]
    public void Base_other_than_five_is_honoured()
    {
        var rounding = new KeyedRandomRounding(s_key, ProtectionPolicy.RandomRounding(["T2"], 3));

        Assert.Equal(3, rounding.Policy.Of("T2").RoundingBase);
        Assert.All(Enumerable.Range(0, 500), n => Assert.Equal(0, rounding.Protect(Cell(n), n % 10) % 3));
    }

    [Fact]
    public void Same_key_cell_and_value_always_give_the_same_output()
    {
        var first = new KeyedRandomRounding(s_key, s_baseFive);
        var second = new KeyedRandomRounding((byte[])s_key.Clone(), s_baseFive);

        Assert.All(Enumerable.Range(0, 1_000), n => Assert.Equal(first.Protect(Cell(n), 3), second.Protect(Cell(n), 3)));
    }

    [Fact]
    public void Different_keys_give_different_draws_across_many_cells()
    {
        var first = new KeyedRandomRounding(s_key, s_baseFive);
        var second = new KeyedRandomRounding(Enumerable.Repeat((byte)7, 32).ToArray(), s_baseFive);

        var differing = Enumerable.Range(0, 1_000).Count(n => first.Draw(Cell(n), 3) != second.Draw(Cell(n), 3));

        // Independent uniform draws in [0,5) differ with probability 4/5: about 800 of 1,000.
        Assert.InRange(differing, 700, 900);
    }

    [Fact]
    public void Draw_depends_on_every_part_of_the_cell()
    {
        var rounding = new KeyedRandomRounding(s_key, s_baseFive);
        CellContext[] variants =
        [
            new("other.dataset", "NS", 2023, "T2", ["A", "B"]),
            new("trafficking.victims.v1", "ON", 2023, "T2", ["A", "B"]),
            new("trafficking.victims.v1", "NS", 2024, "T2", ["A", "B"]),
            new("trafficking.victims.v1", "NS", 2023, "T3", ["A", "B"]),
            new("trafficking.victims.v1", "NS", 2023, "T2", ["A", "C"]),
            new("trafficking.victims.v1", "NS", 2023, "T2", ["AB"]),
        ];

        // Each variant changes one part; over 200 values each, identical draw sequences would mean that part is ignored.
        var reference = new CellContext("trafficking.victims.v1", "NS", 2023, "T2", ["A", "B"]);
        var referenceDraws = Enumerable.Range(1, 200).Select(v => rounding.Draw(reference, v)).ToArray();
        Assert.All(variants, variant =>
            Assert.NotEqual(referenceDraws, Enumerable.Range(1, 200).Select(v => rounding.Draw(variant, v)).ToArray()));
    }

    [Fact]
    public void Rounding_is_unbiased_over_many_cells()
    {
        // 20,000 distinct cells, 5,000 each with true value 1, 2, 3 and 4. For residue r the error (rounded - true) is
        // 5 - r with probability r/5 and -r otherwise: mean 0, variance r(5 - r), i.e. 4, 6, 6, 4, on average 5.
        // The mean error over 20,000 independent cells has standard error sqrt(5 / 20,000) = 0.0158; the bound 0.05
        // is 3.2 standard errors, which an unbiased mechanism exceeds with probability about 0.0016.
        // The key is fixed, so the test is deterministic.
        var rounding = new KeyedRandomRounding(s_key, s_baseFive);
        var errors = Enumerable.Range(0, 20_000).Select(n =>
        {
            var value = 1 + (n % 4);
            return rounding.Protect(Cell(n), value) - value;
        }).ToArray();

        Assert.InRange(errors.Average(), -0.05, 0.05);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Each_residue_rounds_up_with_probability_residue_over_base(int value)
    {
        // 10,000 cells: the share rounded up has standard error at most sqrt(0.25 / 10,000) = 0.005; bound 0.02 = 4 SE.
        var rounding = new KeyedRandomRounding(s_key, s_baseFive);
        var up = Enumerable.Range(0, 10_000).Count(n => rounding.Protect(Cell(n), value) > value);

        Assert.InRange(up / 10_000.0, (value / 5.0) - 0.02, (value / 5.0) + 0.02);
    }

    [Fact]
    public void Key_shorter_than_32_bytes_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new KeyedRandomRounding(new byte[31], s_baseFive));

    [Fact]
    public void Negative_count_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyedRandomRounding(s_key, s_baseFive).Protect(Cell(0), -1));
}
