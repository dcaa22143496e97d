using Federation.Node;
using Federation.Sdk.Transparency;
using Microsoft.Data.Sqlite;

namespace Federation.EndToEnd.Tests;

/// <summary>`fed log verify` run as a process against a development federation, before and after the store is tampered with.</summary>
public sealed class LogVerifyTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Demo_receipts_verify_and_an_altered_stored_submission_is_detected_by_auditor_and_node()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var published = new Dictionary<string, NodeRunReport>();
        foreach (var jurisdiction in new[] { "NS", "PE" })
        {
            published[jurisdiction] = await new NodeRunner(NodeConfiguration.Load(fixture.Layout.NodeConfiguration(jurisdiction)), TimeProvider.System)
                .RunAsync(CancellationToken.None);
        }

        using var logKey = LogVerifierKey.Load(fixture.Layout.LogVerifierKey);
        Assert.All(published.Values.SelectMany(r => r.Published), p => Assert.True(new ReceiptVerifier(logKey).Verify(p.Receipt).IsValid));
        var auditor = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--data", fixture.Layout.Root);
        var node = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--config", fixture.Layout.NodeConfiguration("PE"));
        Assert.True(auditor.ExitCode == 0, auditor.Output + auditor.Error);
        Assert.Contains("12 receipts proven included", auditor.Output, StringComparison.Ordinal);
        Assert.Contains("The gateway's signed served state equals the current releases recomputed from the entries", auditor.Output, StringComparison.Ordinal);
        Assert.Contains("query answers (totals per jurisdiction and national, per year) equal those recomputed from the current releases", auditor.Output, StringComparison.Ordinal);
        Assert.Contains("... entries read: ", auditor.Error, StringComparison.Ordinal);
        Assert.True(node.ExitCode == 0, node.Output + node.Error);
        Assert.Contains("The gateway's signed served state equals the current releases recomputed from the entries", node.Output, StringComparison.Ordinal);

        var altered = published["PE"].Published[1].Receipt;
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Layout.GatewayDirectory, "gateway.db")};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE log_entries SET leaf = CAST(leaf || x'00' AS BLOB) WHERE release_id = $id";
            command.Parameters.AddWithValue("$id", altered.SubmissionId);
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var auditorAfter = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--data", fixture.Layout.Root);
        var nodeAfter = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--config", fixture.Layout.NodeConfiguration("PE"));

        Assert.Equal(1, auditorAfter.ExitCode);
        Assert.Contains($"HISTORY REWRITTEN at leaf {altered.LeafIndex}:", auditorAfter.Output, StringComparison.Ordinal);
        Assert.Contains("NOT VERIFIED", auditorAfter.Output, StringComparison.Ordinal);
        Assert.Equal(1, nodeAfter.ExitCode);
        Assert.Contains($"ALTERED ENTRY at leaf {altered.LeafIndex}:", nodeAfter.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_without_a_log_key_is_unusable_input()
    {
        var empty = Path.Combine(Path.GetTempPath(), "federation-e2e", Guid.NewGuid().ToString("N"));

        var (exitCode, _, error) = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--data", empty);

        Assert.Equal(2, exitCode);
        Assert.Contains("--log-key", error, StringComparison.Ordinal);
    }
}
