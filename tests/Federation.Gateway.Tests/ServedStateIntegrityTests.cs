using Federation.Contracts.V1;
using Federation.Gateway.Transparency;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// An operator with write access to the database changes figures or history: the gateway either refuses to start,
/// naming the release, or keeps answering from what was signed into the log.
/// </summary>
public sealed class ServedStateIntegrityTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task A_restart_on_an_intact_database_serves_identical_answers()
    {
        var gateway = await StartWithReleasesAsync();
        var before = await AnswersAsync(gateway);

        await using var restarted = await gateway.RestartAsync();

        Assert.Equal(before, await AnswersAsync(restarted));
    }

    [Fact]
    public async Task Figures_of_one_jurisdiction_year_changed_in_the_database_stop_the_restart_naming_the_release()
    {
        var gateway = await StartWithReleasesAsync();
        var onRelease = await SingleReleaseIdAsync(gateway, "ON");
        // The attack of the issue, on the bytes the figures are now read from: ON's total raised by 500, re-encoded validly.
        RewriteLeaf(gateway, onRelease, submission => submission.Tables.Single(t => t.TableId == "T0").Cells[0].Value += 500);

        var failure = await Assert.ThrowsAsync<LogIntegrityException>(gateway.RestartAsync);

        Assert.Contains($"statistics release {onRelease} of trafficking.victims.v1 for ON {LastYear}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("does not match the log's signed checkpoints", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_leaf_row_stops_the_restart_naming_the_missing_leaf()
    {
        var gateway = await StartWithReleasesAsync();
        Execute(gateway, "DELETE FROM log_entries WHERE leaf_index = 1");

        var failure = await Assert.ThrowsAsync<LogIntegrityException>(gateway.RestartAsync);

        Assert.Contains("Leaf 1 of the log is missing", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaves_removed_from_the_end_stop_the_restart()
    {
        var gateway = await StartWithReleasesAsync();
        Execute(gateway, "DELETE FROM log_entries WHERE leaf_index = (SELECT max(leaf_index) FROM log_entries)");

        var failure = await Assert.ThrowsAsync<LogIntegrityException>(gateway.RestartAsync);

        Assert.Contains("leaves 2 to 2 were removed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Figures_changed_in_the_database_while_serving_never_change_an_answer()
    {
        await using var gateway = await StartWithReleasesAsync();
        var request = new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { LastYear }, ByJurisdiction = true };
        var before = (await gateway.QueryAsync(request)).Rows.Single(r => r.Jurisdiction == "ON");

        RewriteLeaf(gateway, await SingleReleaseIdAsync(gateway, "ON"), submission => submission.Tables.Single(t => t.TableId == "T0").Cells[0].Value += 500);
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NB", LastYear, total: 7), gateway.Federation.Node("NB")));

        var after = (await gateway.QueryAsync(request)).Rows.Single(r => r.Jurisdiction == "ON");
        Assert.Equal(500, before.Value);
        Assert.Equal(before.Value, after.Value);
    }

    [Fact]
    public async Task A_gateway_that_finds_its_log_altered_while_serving_refuses_data_calls_and_tells_health_checks_it_is_not_serving()
    {
        await using var gateway = await StartWithReleasesAsync();
        var health = new Health.HealthClient(gateway.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        Execute(gateway, "DELETE FROM log_entries WHERE leaf_index = 2");

        // Queries are answered from the verified state in memory: the gateway reads the store again at its next
        // append (or, with replicas, when it hears of another's), finds the leaf gone and stops serving everything.
        var append = await Assert.ThrowsAsync<RpcException>(() => gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NB", LastYear, total: 7), gateway.Federation.Node("NB"))));
        Assert.Equal(StatusCode.DataLoss, append.StatusCode);
        var refusal = await Assert.ThrowsAsync<RpcException>(() => gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" }));
        Assert.Equal(StatusCode.DataLoss, refusal.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    private static async Task<GatewayFixture> StartWithReleasesAsync()
    {
        var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear, total: 500, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), gateway.Federation.Node("ON")));
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear, total: 50, producedAt: DateTimeOffset.UtcNow.AddHours(-2)), gateway.Federation.Node("QC")));
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear, total: 60, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), gateway.Federation.Node("QC")));
        return gateway;
    }

    private static async Task<string[]> AnswersAsync(GatewayFixture gateway) =>
        Rows(await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { LastYear }, ByJurisdiction = true }))
            .Concat(Rows(await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "gender" } })))
            .ToArray();

    private static IEnumerable<string> Rows(QueryResponse response) => response.Rows.Select(r => r.ToString());

    private static async Task<string> SingleReleaseIdAsync(GatewayFixture gateway, string jurisdiction)
    {
        var history = await gateway.App.Services.GetRequiredService<Serving.ServedStatistics>()
            .GetHistoryAsync("trafficking.victims.v1", jurisdiction, LastYear, CancellationToken.None);
        return Assert.Single(history).SubmissionId;
    }

    // Re-encodes a stored release with changed figures, keeping its id and signature, as a database administrator could.
    private static void RewriteLeaf(GatewayFixture gateway, string releaseId, Action<Submission> change)
    {
        using var connection = Open(gateway);
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT leaf FROM log_entries WHERE release_id = $id";
        read.Parameters.AddWithValue("$id", releaseId);
        var envelope = SignedEnvelope.Parser.ParseFrom((byte[])read.ExecuteScalar()!);
        var submission = Submission.Parser.ParseFrom(envelope.Submission);
        change(submission);
        envelope.Submission = submission.ToByteString();
        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE log_entries SET leaf = $leaf WHERE release_id = $id";
        write.Parameters.AddWithValue("$leaf", envelope.ToByteArray());
        write.Parameters.AddWithValue("$id", releaseId);
        Assert.Equal(1, write.ExecuteNonQuery());
    }

    private static void Execute(GatewayFixture gateway, string sql)
    {
        using var connection = Open(gateway);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(command.ExecuteNonQuery() > 0);
    }

    private static SqliteConnection Open(GatewayFixture gateway)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(gateway.Federation.Directory, "gateway.db"), Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
