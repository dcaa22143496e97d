using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// A kept answer's preliminary ("p") marks follow the calendar, not only the log: when the clock passes a year's last
/// scheduled edition with no new release, the same question, at the same tree size, is answered without that year's "p".
/// </summary>
public sealed class KeptAnswerMarksTests(ValidatedTokenCacheTests.MovableClockGateway fixture) : IClassFixture<ValidatedTokenCacheTests.MovableClockGateway>
{
    [Fact]
    public async Task A_kept_answer_loses_its_preliminary_mark_when_the_years_last_edition_falls_due_without_a_new_release()
    {
        var calendar = DatasetCatalog.Default.Get("trafficking.victims.v1").Calendar;
        var now = fixture.Clock.GetUtcNow();
        // The earliest year still preliminary now: its last edition is due within a year.
        var year = now.Year - 3;
        while (calendar.DueAt(year, calendar.Editions) <= now)
        {
            year++;
        }

        var gateway = fixture.Gateway;
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NB", year, total: 21), gateway.Federation.Node("NB")));
        var question = new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { year }, Jurisdictions = { "NB" } };
        var first = await AskAsync(question);
        var before = Assert.Single(first.Rows);
        Assert.Equal((21L, true), (before.Value, before.Preliminary));
        var engine = gateway.App.Services.GetRequiredService<Query.QueryEngine>();
        Assert.Same(await engine.QueryAsync(question, CancellationToken.None), await engine.QueryAsync(question, CancellationToken.None));

        fixture.Clock.Advance(calendar.DueAt(year, calendar.Editions) - now + TimeSpan.FromMinutes(1));

        var after = await AskAsync(question);
        Assert.Equal(before.Value, Assert.Single(after.Rows).Value);
        Assert.False(after.Rows[0].Preliminary);
        Assert.Equal(first.TreeSize, after.TreeSize);
    }

    // A token issued at the moved clock (the gateway's token server and validation use it).
    private async Task<QueryResponse> AskAsync(QueryRequest question)
    {
        var token = await fixture.NewAnalystTokenAsync("analyst-of-the-marks-test");
        return await new QueryService.QueryServiceClient(fixture.Gateway.AnonymousChannel).QueryAsync(
            question, new Metadata { { "Authorization", $"Bearer {token}" } }, deadline: DateTime.UtcNow.AddSeconds(30));
    }
}
