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

    private readonly TemporaryDirectory _state = new();

    public void Dispose() => _state.Dispose();

    // trafficking.victims.v1's calendar: edition 1 of year Y on Y+1-04-01, edition 2 (the revision) on Y+2-04-01.
    private static readonly DateTimeOffset s_firstEdition2024 = new(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_secondEdition2024 = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Unchanged_counts_get_the_same_release_back_and_spend_nothing()
    {
        var first = Make(s_firstEdition2024, Counts(2024, total: 7));
        var again = Make(s_secondEdition2024, Counts(2024, total: 7));

        Assert.Equal(first.Release, again.Release);
        Assert.Equal(ReleaseStatus.Unchanged, again.Status);
        Assert.Equal(new Rational(1, 4), Spent(2024));
    }

    [Fact]
    public void A_year_is_not_released_before_its_first_edition_whatever_the_data()
    {
        var early = Make(s_firstEdition2024.AddTicks(-1), Counts(2024, total: 7));

        Assert.Equal((ReleaseStatus.NotDue, null, (Submission?)null), (early.Status, early.Edition, early.Release));
        Assert.Empty(PrivacyLedger.Read(_state.Path));
    }

    [Fact]
    public void Changed_counts_wait_for_the_next_edition_then_are_revised_once()
    {
        var first = Make(s_firstEdition2024, Counts(2024, total: 7));
        var sameEdition = Make(s_firstEdition2024.AddMonths(6), Counts(2024, total: 8));
        var revised = Make(s_secondEdition2024, Counts(2024, total: 8));
        var later = Make(s_secondEdition2024.AddYears(3), Counts(2024, total: 9));

        Assert.Equal((ReleaseStatus.FirstRelease, 1), (first.Status, first.Edition));
        Assert.Equal((ReleaseStatus.HeldUntilNextEdition, 1), (sameEdition.Status, sameEdition.Edition));
        Assert.Equal(first.Release, sameEdition.Release);
        Assert.Equal((ReleaseStatus.Revision, 2), (revised.Status, revised.Edition));
        Assert.Equal((ReleaseStatus.HeldUntilNextEdition, 2, revised.Release), (later.Status, later.Edition, later.Release));
        Assert.Equal(new Rational(1, 2), Spent(2024));
    }

    [Fact]
    public void Deleting_the_ledger_gives_the_same_release_for_the_same_counts_and_edition()
    {
        var first = Make(s_firstEdition2024, Counts(2024, total: 7));
        File.Delete(Path.Combine(_state.Path, PrivacyLedger.FileName));

        var again = Make(s_firstEdition2024.AddDays(1), Counts(2024, total: 7));

        Assert.Equal(ReleaseStatus.FirstRelease, again.Status);
        Assert.Equal(first.Release, again.Release);
        Assert.Equal(s_firstEdition2024, again.Release!.ProducedAt.ToDateTimeOffset());
    }

    [Fact]
    public void Preview_shows_exactly_the_release_the_run_then_makes_and_charges_nothing()
    {
        var counts = Counts(2024, total: 7);
        var preview = Preview(s_firstEdition2024, counts);
        var previewAgain = Preview(s_firstEdition2024, counts);

        Assert.Equal(Rational.Zero, Spent(2024));
        var made = Make(s_firstEdition2024, counts);

        Assert.Equal(preview.Release, previewAgain.Release);
        Assert.Equal(preview.Release, made.Release);
    }

    [Fact]
    public void A_refused_year_sends_nothing_and_does_not_stop_the_other_years()
    {
        Make(s_firstEdition2024, Counts(2024, total: 7));
        Make(s_secondEdition2024, Counts(2024, total: 8));
        // An older entry without an edition (0, before the calendar) lets a third release of 2024 be attempted.
        RewriteEditionsToZero();

        var outlooks = MakeAll(s_secondEdition2024, Counts(2023, total: 3), Counts(2024, total: 9));

        Assert.Equal((ReleaseStatus.FirstRelease, false), (outlooks[0].Status, outlooks[0].Refused));
        Assert.NotNull(outlooks[0].Release);
        Assert.Equal((ReleaseStatus.Revision, true, (Submission?)null), (outlooks[1].Status, outlooks[1].Refused, outlooks[1].Release));
        var refusal = new PrivacyBudgetExceededException([outlooks[1].Shortfall(s_dataset.Id)]);
        Assert.Contains("trafficking.victims.v1 2024: a new release costs rho 0.25, but 0.5 of the budget 0.5 is already spent (0 left)", refusal.Message, StringComparison.Ordinal);
        Assert.Equal((new Rational(1, 4), new Rational(1, 2)), (Spent(2023), Spent(2024)));
    }

    [Fact]
    public void Ledger_survives_a_restart_and_keeps_the_release_it_made()
    {
        var first = Make(s_firstEdition2024, Counts(2024, total: 4)).Release;

        var entries = PrivacyLedger.Read(_state.Path);

        var entry = Assert.Single(entries);
        Assert.Equal((s_dataset.Id, 2024, new Rational(1, 4), 1), (entry.DatasetId, entry.ReferenceYear, entry.Rho, entry.Edition));
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
    public void A_dataset_protected_by_random_rounding_follows_the_publication_calendar_too()
    {
        var early = MakeWith(TestDatasets.Rounded, s_firstEdition2024.AddTicks(-1), Counts(2024, total: 7));
        var first = MakeWith(TestDatasets.Rounded, s_firstEdition2024, Counts(2024, total: 7));
        var sameEdition = MakeWith(TestDatasets.Rounded, s_firstEdition2024.AddMonths(6), Counts(2024, total: 8));
        var revised = MakeWith(TestDatasets.Rounded, s_secondEdition2024, Counts(2024, total: 8));

        Assert.Equal((ReleaseStatus.NotDue, (Submission?)null), (early.Status, early.Release));
        Assert.Equal((ReleaseStatus.FirstRelease, 1), (first.Status, first.Edition));
        Assert.Equal(Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(s_firstEdition2024), first.Release!.ProducedAt);
        Assert.Equal(ProtectionMechanism.RandomRounding, first.Release.Protection.Mechanism);
        Assert.All(first.Release.Tables.SelectMany(t => t.Cells), c => Assert.Equal(0, c.Value % 5));
        Assert.Equal((ReleaseStatus.HeldUntilNextEdition, 1, first.Release), (sameEdition.Status, sameEdition.Edition, sameEdition.Release));
        Assert.Equal((ReleaseStatus.Revision, 2), (revised.Status, revised.Edition));
        Assert.Equal(Rational.Zero, Spent(2024));
    }

    [Fact]
    public void Damaged_ledger_stops_the_node()
    {
        File.WriteAllText(Path.Combine(_state.Path, PrivacyLedger.FileName), "{ not json");

        var refusal = Assert.Throws<InvalidDataException>(() => PrivacyLedger.Open(_state.Path));

        Assert.Contains("restore it from a backup", refusal.Message, StringComparison.Ordinal);
    }

    private ReleaseOutlook Make(DateTimeOffset now, YearCounts year) => MakeAll(now, year).Single();

    private ReleaseOutlook MakeWith(DatasetDefinition dataset, DateTimeOffset now, YearCounts year)
    {
        using var ledger = PrivacyLedger.Open(_state.Path);
        var maker = new LedgeredReleaseMaker(dataset, ledger, s_key, new FixedTimeProvider(now));
        maker.Make([year], "NS", "node-ns", now);
        return maker.Outlooks.Single();
    }

    private IReadOnlyList<ReleaseOutlook> MakeAll(DateTimeOffset now, params YearCounts[] years)
    {
        using var ledger = PrivacyLedger.Open(_state.Path);
        var maker = new LedgeredReleaseMaker(s_dataset, ledger, s_key, new FixedTimeProvider(now));
        var sent = maker.Make(years, "NS", "node-ns", now);
        Assert.Equal(maker.Outlooks.Where(o => o.Release is not null).Select(o => o.Release), sent);
        return maker.Outlooks;
    }

    private ReleaseOutlook Preview(DateTimeOffset now, YearCounts year)
    {
        using var ledger = PrivacyLedger.Open(_state.Path);
        return new LedgeredReleaseMaker(s_dataset, ledger, s_key, new FixedTimeProvider(now)).Preview([year], "NS", "node-ns").Single();
    }

    private void RewriteEditionsToZero()
    {
        var path = Path.Combine(_state.Path, PrivacyLedger.FileName);
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "\"edition\": \\d+", "\"edition\": 0"));
    }

    private Rational Spent(int year) => PrivacyLedger.SpentOf(PrivacyLedger.Read(_state.Path), s_dataset.Id, year);

    // A year in which every victim is a woman or girl under 18, of unknown other characteristics.
    internal static YearCounts Counts(int year, long total)
    {
        var aggregator = new DatasetAggregator(s_dataset);
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
