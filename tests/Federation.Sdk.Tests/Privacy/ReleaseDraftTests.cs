using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Tests.Catalog;
using Federation.Sdk.Tests.Trust;
using Google.Protobuf;
using static Federation.Sdk.Tests.Privacy.PrivacyLedgerTests;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>A preview draws the noise once and charges nothing; the next run sends exactly that draft and is charged then.</summary>
public sealed class ReleaseDraftTests : IDisposable
{
    private static readonly DatasetDefinition s_dataset = TestDatasets.Default;
    private static readonly byte[] s_key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset s_now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _state = new();
    private ulong _seed;

    public void Dispose() => _state.Dispose();

    [Fact]
    public void Preview_draws_once_charges_nothing_and_the_run_sends_exactly_the_draft()
    {
        var first = Assert.Single(Preview(Counts(2024, total: 7)));
        var second = Assert.Single(Preview(Counts(2024, total: 7)));

        Assert.Empty(PrivacyLedger.Read(_state.Path));
        Assert.Equal((ReleaseStatus.FirstRelease, NoiseOrigin.DrawnNow), (first.Status, first.Noise));
        Assert.Equal((ReleaseStatus.FirstRelease, NoiseOrigin.EarlierPreview), (second.Status, second.Noise));
        Assert.Equal(first.Release, second.Release);
        Assert.Equal((Rational.Zero, new Rational(1, 4), new Rational(1, 4)), (first.SpentRho, first.CostRho, first.RemainingRho));

        var sent = Make(Counts(2024, total: 7));

        Assert.Equal(first.Release!.ToByteArray(), sent.ToByteArray());
        var entry = Assert.Single(PrivacyLedger.Read(_state.Path));
        Assert.Equal(new Rational(1, 4), entry.Rho);
        Assert.Empty(PrivacyLedger.ReadDrafts(_state.Path));
    }

    [Fact]
    public void A_draft_for_data_that_changed_before_the_run_is_discarded_and_never_charged()
    {
        var draft = Assert.Single(Preview(Counts(2024, total: 7))).Release;

        var sent = Make(Counts(2024, total: 8));

        Assert.NotEqual(draft, sent);
        Assert.Equal(new Rational(1, 4), PrivacyLedger.SpentOf(PrivacyLedger.Read(_state.Path), s_dataset.Id, 2024));
        Assert.Empty(PrivacyLedger.ReadDrafts(_state.Path));
        var after = Assert.Single(Preview(Counts(2024, total: 8)));
        Assert.Equal((ReleaseStatus.Unchanged, NoiseOrigin.SentBefore, Rational.Zero), (after.Status, after.Noise, after.CostRho));
        Assert.Equal(sent, after.Release);
    }

    [Fact]
    public void A_preview_of_changed_data_replaces_the_earlier_draft()
    {
        var earlier = Assert.Single(Preview(Counts(2024, total: 7))).Release;

        var changed = Assert.Single(Preview(Counts(2024, total: 9)));

        Assert.Equal(NoiseOrigin.DrawnNow, changed.Noise);
        Assert.NotEqual(earlier, changed.Release);
        Assert.Equal(changed.Release!.ToByteArray(), Assert.Single(PrivacyLedger.ReadDrafts(_state.Path)).Release);
    }

    [Fact]
    public void A_revision_past_the_budget_is_shown_refused_and_no_noise_is_drawn()
    {
        Make(Counts(2024, total: 7));
        Make(Counts(2024, total: 8));

        var outlooks = Preview(Counts(2023, total: 1), Counts(2024, total: 9));

        Assert.All(outlooks, o => Assert.Null(o.Release));
        Assert.All(outlooks, o => Assert.Equal(NoiseOrigin.NotDrawn, o.Noise));
        Assert.False(outlooks[0].Refused);
        Assert.Equal((ReleaseStatus.Revision, true, new Rational(1, 2), Rational.Zero), (outlooks[1].Status, outlooks[1].Refused, outlooks[1].SpentRho, outlooks[1].RemainingRho));
        Assert.Empty(PrivacyLedger.ReadDrafts(_state.Path));
        Assert.Equal(2, PrivacyLedger.Read(_state.Path).Count);
    }

    private IReadOnlyList<ReleaseOutlook> Preview(params YearCounts[] years)
    {
        using var ledger = PrivacyLedger.Open(_state.Path);
        return Maker(ledger).Preview(years, "NS", "node-ns", s_now);
    }

    private Submission Make(params YearCounts[] years)
    {
        using var ledger = PrivacyLedger.Open(_state.Path);
        return Maker(ledger).Make(years, "NS", "node-ns", s_now)[^1];
    }

    // Every maker draws from a different seed, so a release equal to an earlier one can only be that release re-used.
    private LedgeredReleaseMaker Maker(PrivacyLedger ledger) => new(
        s_dataset, new PolicyNoise(s_dataset.Protection, new SeededRandomBitSource(++_seed)), ledger, s_key, new FixedTimeProvider(s_now));
}
