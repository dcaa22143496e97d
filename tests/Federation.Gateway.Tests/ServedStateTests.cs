using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>
/// GetServedState: the current release and cells digest per dataset, year and jurisdiction at a checkpointed tree size,
/// signed with the checkpoint by the log key; an auditor's recomputation from the entries agrees with an honest gateway.
/// </summary>
public sealed class ServedStateTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task The_served_state_at_each_tree_size_names_the_release_current_then_and_digests_its_cells()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var on = TestSubmissions.Complete("ON", LastYear, total: 500, producedAt: DateTimeOffset.UtcNow.AddHours(-1));
        var first = TestSubmissions.Complete("QC", LastYear, total: 50, producedAt: DateTimeOffset.UtcNow.AddHours(-2));
        var revision = TestSubmissions.Complete("QC", LastYear, total: 60, producedAt: DateTimeOffset.UtcNow.AddHours(-1));
        await gateway.SubmitAsync(TestSubmissions.Sign(on, gateway.Federation.Node("ON")));
        var firstReceipt = await gateway.SubmitAsync(TestSubmissions.Sign(first, gateway.Federation.Node("QC")));
        var revisionReceipt = await gateway.SubmitAsync(TestSubmissions.Sign(revision, gateway.Federation.Node("QC")));
        var log = new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel);

        var atTwo = await log.GetServedStateAsync(new GetServedStateRequest { TreeSize = 2 });
        var latest = await log.GetServedStateAsync(new GetServedStateRequest());

        var key = gateway.Federation.LogVerifierKey;
        var signed = ServedStateDigest.TryOpen(key, atTwo.ServedStateNote, out var error);
        Assert.True(signed is not null, error);
        Assert.Equal(2, signed.Value.Checkpoint.TreeSize);
        Assert.Equal(key.TryOpenCheckpoint(atTwo.Checkpoint, out _)!.RootHash, signed.Value.Checkpoint.RootHash);
        Assert.Equal(ServedStateDigest.OfSeries(atTwo.Series.Select(Digest)), signed.Value.Digest);
        Assert.Equal(["ON", "QC"], atTwo.Series.Select(s => s.Jurisdiction));
        var qcAtTwo = atTwo.Series.Single(s => s.Jurisdiction == "QC");
        Assert.Equal((firstReceipt.SubmissionId, 1UL), (qcAtTwo.SubmissionId, qcAtTwo.LeafIndex));
        Assert.Equal(CellsDigest(first), qcAtTwo.CellsDigest.ToByteArray());
        var qcLatest = latest.Series.Single(s => s.Jurisdiction == "QC");
        Assert.Equal((revisionReceipt.SubmissionId, 2UL), (qcLatest.SubmissionId, qcLatest.LeafIndex));
        Assert.Equal(CellsDigest(revision), qcLatest.CellsDigest.ToByteArray());
        Assert.Equal(3, ServedStateDigest.TryOpen(key, latest.ServedStateNote, out _)!.Value.Checkpoint.TreeSize);
    }

    [Fact]
    public async Task Tree_sizes_beyond_the_log_are_refused_naming_tree_size()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NB", LastYear), gateway.Federation.Node("NB")));
        var log = new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel);

        var beyond = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "tree_size", () => log.GetServedStateAsync(new GetServedStateRequest { TreeSize = 2 }).ResponseAsync);
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "tree_size", () => log.GetServedStateAsync(new GetServedStateRequest { TreeSize = ulong.MaxValue }).ResponseAsync);

        Assert.Contains("The log has 1 leaves; there is no tree of size 2 yet.", beyond.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_auditor_recomputing_the_current_releases_from_the_entries_agrees_with_an_honest_gateway()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear, total: 500, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), gateway.Federation.Node("ON")));
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear, total: 50, producedAt: DateTimeOffset.UtcNow.AddHours(-2)), gateway.Federation.Node("QC")));
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear, total: 60, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), gateway.Federation.Node("QC")));
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear - 1, total: 7), gateway.Federation.Node("QC")));
        var log = new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel);
        var key = gateway.Federation.LogVerifierKey;
        var servedState = new ServedStateAuditor(
            log,
            gateway.Queries,
            key,
            new SubmissionVerifier(gateway.Federation.Trust, TimeProvider.System),
            DatasetCatalog.Default,
            TimeProvider.System);

        var report = await new LogAuditor(log, key, TimeProvider.System).AuditAsync(
            Path.Combine(gateway.Federation.Directory, "auditor.json"),
            [],
            new LogAuditOptions { ServedState = servedState },
            CancellationToken.None);

        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Contains(report.Findings, f => f.Text.Contains("equals the current releases recomputed from the entries (3 dataset, year and jurisdiction series)", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Text.Contains("query answers (totals per jurisdiction and national, per year) equal those recomputed from the current releases", StringComparison.Ordinal));
    }

    private static ServedSeriesDigest Digest(ServedSeries s) =>
        new(s.DatasetId, s.ReferenceYear, s.Jurisdiction, (long)s.LeafIndex, s.SubmissionId, s.CellsDigest.ToByteArray());

    private static byte[] CellsDigest(Submission submission) =>
        ServedStateDigest.OfCells(submission.Tables.SelectMany(t => t.Cells.Select(c => new ServedCell(t.TableId, c.Codes.ToArray(), c.Value))));
}
