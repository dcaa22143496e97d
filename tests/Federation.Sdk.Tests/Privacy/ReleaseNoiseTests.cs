using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Tests.Catalog;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>
/// The noise of a release is a keyed function: the same key, dataset, jurisdiction, year, edition and counts always give
/// the same noise; any of them changed gives an independent draw; and the draws still follow the discrete Gaussian.
/// </summary>
public sealed class ReleaseNoiseTests
{
    private static readonly DatasetDefinition s_dataset = TestDatasets.Default;
    private static readonly byte[] s_key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Same_inputs_give_the_same_noise()
    {
        var counts = PrivacyLedgerTests.Counts(2024, total: 7);

        Assert.Equal(Noise(s_key, "NS", counts, edition: 1), Noise(s_key, "NS", PrivacyLedgerTests.Counts(2024, total: 7), edition: 1));
    }

    [Fact]
    public void Any_input_changed_gives_a_different_draw()
    {
        var counts = PrivacyLedgerTests.Counts(2024, total: 7);
        var noise = Noise(s_key, "NS", counts, edition: 1);
        var otherKey = s_key.Select(b => (byte)(b ^ 0x5a)).ToArray();

        // 147 cells of variance 4 or 20: two independent draws agree on all of them with negligible probability.
        Assert.NotEqual(noise, Noise(otherKey, "NS", counts, edition: 1));
        Assert.NotEqual(noise, Noise(s_key, "PE", counts, edition: 1));
        Assert.NotEqual(noise, Noise(s_key, "NS", PrivacyLedgerTests.Counts(2023, total: 7), edition: 1));
        Assert.NotEqual(noise, Noise(s_key, "NS", PrivacyLedgerTests.Counts(2024, total: 8), edition: 1));
        Assert.NotEqual(noise, Noise(s_key, "NS", counts, edition: 2));
    }

    [Fact]
    public void Draws_over_many_releases_follow_the_discrete_gaussian_of_the_policy()
    {
        // The first T0 draw (variance 4) of 100,000 releases with different counts digests: chi-square and KS at 1e-6.
        var release = 0;
        SamplerTests.AssertFits(
            () => (long)new DiscreteGaussianSampler(ReleaseNoise.For(s_key, $"{release++:x64}", 1), 4).Sample(),
            y => Math.Exp(-y * y / 8.0),
            6,
            54.635);
    }

    [Fact]
    public void Draws_at_two_editions_of_the_same_counts_are_uncorrelated()
    {
        const int Releases = 20_000;
        var pairs = Enumerable.Range(0, Releases).Select(i =>
        {
            var digest = $"{i:x64}";
            return ((double)new DiscreteGaussianSampler(ReleaseNoise.For(s_key, digest, 1), 4).Sample(),
                (double)new DiscreteGaussianSampler(ReleaseNoise.For(s_key, digest, 2), 4).Sample());
        }).ToArray();

        var meanA = pairs.Average(p => p.Item1);
        var meanB = pairs.Average(p => p.Item2);
        var covariance = pairs.Sum(p => (p.Item1 - meanA) * (p.Item2 - meanB));
        var correlation = covariance / Math.Sqrt(pairs.Sum(p => Math.Pow(p.Item1 - meanA, 2)) * pairs.Sum(p => Math.Pow(p.Item2 - meanB, 2)));

        // Under independence the correlation is about N(0, 1/n): 5 standard errors is a two-sided 6e-7 threshold.
        Assert.InRange(correlation, -5 / Math.Sqrt(Releases), 5 / Math.Sqrt(Releases));
    }

    [Fact]
    public void A_short_key_or_an_edition_below_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ReleaseNoise.For(new byte[31], "digest", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReleaseNoise.For(s_key, "digest", 0));
    }

    // The noise of every cell (released minus true value), in grid order.
    private static long[] Noise(byte[] key, string jurisdiction, YearCounts counts, int edition)
    {
        var noise = new PolicyNoise(s_dataset.Protection, ReleaseNoise.For(key, s_dataset, jurisdiction, counts, edition));
        Submission release = new SubmissionBuilder(s_dataset, noise).Build(counts, jurisdiction, "node", DateTimeOffset.UnixEpoch);
        var truth = counts.Tables.SelectMany(t => t.Cells.Select(c => c.Value)).ToArray();
        return release.Tables.SelectMany(t => t.Cells.Select(c => c.Value)).Zip(truth, (released, value) => released - value).ToArray();
    }
}
