using Federation.Gateway.Ingestion;
using Federation.Gateway.Serving;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// The gateway enforces the privacy budget per dataset, jurisdiction and year from the releases it accepted: the rule on
/// its own, and through Submit over real gRPC.
/// </summary>
public sealed class PrivacyBudgetRuleTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;
    private static readonly DatasetDefinition s_dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");

    [Fact]
    public void Releases_are_charged_the_policy_cost_until_the_budget_is_spent_then_refused_naming_budget_spent_and_cost()
    {
        Assert.Equal(new Rational(1, 4), Check("a"));
        Assert.Equal(new Rational(1, 4), Check("b", "a"));

        var refusal = Assert.Throws<RequestRefusedException>(() => Check("c", "a", "b"));

        Assert.Equal(RefusalKind.FailedPrecondition, refusal.Kind);
        Assert.Contains("the budget is rho 0.5, 2 release(s) already accepted spent 0.5, and this release would cost 0.25 more", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(PrivacyBudgetRule.Field, Assert.Single(refusal.Violations).Field);
    }

    [Fact]
    public void Re_sending_a_release_already_accepted_costs_nothing_even_with_the_budget_spent()
    {
        Assert.Equal(Rational.Zero, Check("a", "a", "b"));
    }

    [Fact]
    public void A_dataset_without_noise_keeps_no_budget()
    {
        var rounded = new DatasetDefinition(
            s_dataset.Id, s_dataset.Title, s_dataset.Description, s_dataset.Unit, s_dataset.ReferencePeriod, s_dataset.Jurisdictions,
            s_dataset.Dimensions, s_dataset.Tables, ProtectionPolicy.RandomRounding(s_dataset.Tables.Select(t => t.Id), 5), s_dataset.Calendar);

        Assert.Equal(Rational.Zero, PrivacyBudgetRule.Check(rounded, "NS", LastYear, "c", History("a", "b", "x", "y")));
    }

    [Fact]
    public async Task Submit_refuses_a_third_distinct_release_of_a_year_and_still_accepts_re_sends_and_other_years()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var node = gateway.Federation.Node("NS");
        var first = await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("NS", LastYear, total: 40, producedAt: DateTimeOffset.UtcNow.AddHours(-3)), node));
        await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("NS", LastYear, total: 41, producedAt: DateTimeOffset.UtcNow.AddHours(-2)), node));

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.FailedPrecondition, PrivacyBudgetRule.Field, () => gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("NS", LastYear, total: 42, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), node)));

        Assert.Contains($"Privacy budget exceeded for trafficking.victims.v1 NS {LastYear}: the budget is rho 0.5", refusal.Status.Detail, StringComparison.Ordinal);
        var store = gateway.App.Services.GetRequiredService<ServedStatistics>();
        Assert.Equal(2, (await store.GetHistoryAsync(s_dataset.Id, "NS", LastYear, CancellationToken.None)).Count);
        var history = await store.GetHistoryAsync(s_dataset.Id, "NS", LastYear, CancellationToken.None);
        Assert.Equal(first.SubmissionId, history[0].SubmissionId);
        var otherYear = await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NS", LastYear - 1, total: 9), node));
        Assert.Equal(1, otherYear.Revision);
    }

    private static Rational Check(string submissionId, params string[] accepted) =>
        PrivacyBudgetRule.Check(s_dataset, "NS", LastYear, submissionId, History(accepted));

    private static string[] History(params string[] ids) => ids;
}
