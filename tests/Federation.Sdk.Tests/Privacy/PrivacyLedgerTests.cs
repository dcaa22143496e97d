using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Tests.Catalog;
using Federation.Sdk.Tests.Trust;

namespace Federation.Sdk.Tests.Privacy;

public sealed class PrivacyLedgerTests : IDisposable
{
    private static readonly DatasetDefinition s_dataset = TestDatasets.Default;
    private static readonly byte[] s_key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset s_now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public void Unchanged_counts_get_the_same_release_back_and_spend_nothing()
    {
        var first = Make(Counts(2024, total: 7));
        var again = Make(Counts(2024, total: 7));

        Assert.Equal(first, again);
        Assert.Equal(new Rational(1, 4), Spent(2024));
    }

    [Fact]
    public void Changed_counts_get_fresh_noise_and_spend_again_until_the_budget_refuses_before_anything_is_made()
    {
        Make(Counts(2024, total: 7));
        Make(Counts(2024, total: 8));

        var refusal = Assert.Throws<PrivacyBudgetExceededException>(() => Make(Counts(2024, total: 9)));

        Assert.Contains("trafficking.victims.v1 2024: a new release costs rho 0.25, but 0.5 of the budget 0.5 is already spent (0 left)", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was signed or sent", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(new Rational(1, 2), Spent(2024));
        Assert.Equal(2, PrivacyLedger.Read(_state.Path).Count);
    }

    [Fact]
    public void A_refused_year_stops_the_whole_run_and_charges_no_other_year()
    {
        Make(Counts(2024, total: 7));
        Make(Counts(2024, total: 8));

        Assert.Throws<PrivacyBudgetExceededException>(() => Make(Counts(2023, total: 3), Counts(2024, total: 9)));

        Assert.Equal(Rational.Zero, Spent(2023));
    }

    [Fact]
    public void Ledger_survives_a_restart_and_keeps_the_release_it_made()
    {
        var first = Make(Counts(2022, total: 4));

        var entries = PrivacyLedger.Read(_state.Path);

        var entry = Assert.Single(entries);
        Assert.Equal((s_dataset.Id, 2022, new Rational(1, 4)), (entry.DatasetId, entry.ReferenceYear, entry.Rho));
        Assert.Equal(first, Submission.Parser.ParseFrom(entry.Release));
        Assert.DoesNotContain("\"value\"", File.ReadAllText(Path.Combine(_state.Path, PrivacyLedger.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_depends_on_the_key_and_the_counts()
    {
        var counts = Counts(2024, total: 7);
        var digest = CountsDigest.Compute(s_key, s_dataset, "NS", counts);

        Assert.Equal(digest, CountsDigest.Compute(s_key, s_dataset, "NS", Counts(2024, total: 7)));
        Assert.NotEqual(digest, CountsDigest.Compute(s_key, s_dataset, "NS", Counts(2024, total: 6)));
        Assert.NotEqual(digest, CountsDigest.Compute(new byte[32], s_dataset, "NS", counts));
    }

    [Fact]
    public void A_second_open_ledger_is_refused_while_the_first_is_in_use()
    {
        using var first = PrivacyLedger.Open(_state.Path);

        var refusal = Assert.Throws<InvalidOperationException>(() => PrivacyLedger.Open(_state.Path));

        Assert.Contains("in use by another run", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_ledger_stops_the_node()
    {
        File.WriteAllText(Path.Combine(_state.Path, PrivacyLedger.FileName), "{ not json");

        var refusal = Assert.Throws<InvalidDataException>(() => PrivacyLedger.Open(_state.Path));

        Assert.Contains("restore it from a backup", refusal.Message, StringComparison.Ordinal);
    }

    private Submission Make(params YearCounts[] years)
    {
        using var ledger = PrivacyLedger.Open(_state.Path);
        var noise = new PolicyNoise(s_dataset.Protection, new SeededRandomBitSource((ulong)ledger.Entries.Count + 1));
        var maker = new LedgeredReleaseMaker(s_dataset, noise, ledger, s_key, new FixedTimeProvider(s_now));
        return maker.Make(years, "NS", "node-ns", s_now)[^1];
    }

    private Rational Spent(int year) => PrivacyLedger.SpentOf(PrivacyLedger.Read(_state.Path), s_dataset.Id, year);

    // A year in which every victim is a woman or girl under 18, of unknown other characteristics.
    internal static YearCounts Counts(int year, long total)
    {
        var aggregator = new VictimAggregator(s_dataset);
        aggregator.IncludeYear(year);
        var codes = new Dictionary<string, string>
        {
            ["gender"] = "WOMAN_GIRL",
            ["age_group"] = "UNDER_18",
            ["exploitation_type"] = "UNKNOWN",
            ["indigenous_identity"] = "UNKNOWN",
            ["citizenship_group"] = "UNKNOWN",
            ["recruiter_relationship"] = "UNKNOWN",
        };
        for (var i = 0; i < total; i++)
        {
            aggregator.Add(year, codes);
        }

        return aggregator.Results().Single();
    }
}
