using System.Security.Cryptography;
using Federation.Cli.Demo;
using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Node;
using Federation.Sdk.Transparency;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// `fed log verify` as a process against a gateway whose operator holds the log key: what the gateway's own checks
/// cannot catch (a release rewritten and the log re-signed; figures served otherwise than the releases say, with a
/// digest re-signed to match) is reported naming the release, table and cell, exit 1.
/// </summary>
public sealed class ServedStateAuditTests
{
    private const long Raise = 500;
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_release_rewritten_and_the_log_resigned_with_the_stolen_log_key_is_served_after_a_restart_but_reported_by_the_auditor()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var published = (await RunNodeAsync(fixture, "NS")).Published;
        var target = published[0].Receipt;
        var total = await ServedTotalAsync(fixture.Gateway, target);
        await fixture.Gateway.StopAsync();
        SqliteConnection.ClearAllPools();

        var rewrittenId = await RewriteLogAsync(fixture.Layout, target.SubmissionId);
        await using var restarted = DemoRunner.CreateGateway(fixture.Layout, port: 0);
        await restarted.StartAsync();
        fixture.Layout.WriteEndpoint(restarted.GetListeningAddress());
        var served = await ServedTotalAsync(restarted, target);
        var auditor = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--data", fixture.Layout.Root);
        await restarted.StopAsync();

        // The restarted gateway's own check passes (hashes and checkpoints agree) and it serves the raised figure.
        Assert.Equal(total + Raise, served);
        Assert.True(auditor.ExitCode == 1, auditor.Output + auditor.Error);
        Assert.Contains($"BAD ENTRY at leaf {target.LeafIndex} (release {rewrittenId}): its CMS signature does not verify", auditor.Output, StringComparison.Ordinal);
        Assert.Contains("NOT VERIFIED", auditor.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Figures_served_otherwise_than_the_release_with_a_resigned_digest_are_reported_with_release_table_and_cell()
    {
        var tampered = new TamperedSeries();
        await using var fixture = await DemoFederationFixture.StartAsync(builder =>
        {
            builder.Services.AddSingleton(tampered);
            builder.Services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<ServedFiguresTamperer>());
        });
        var published = (await RunNodeAsync(fixture, "NS")).Published;
        var target = published[0].Receipt;
        // What the gateway answers for the release's total: the least-squares estimate from all its tables.
        var total = await AnsweredTotalAsync(fixture.Gateway, target);
        var honest = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--data", fixture.Layout.Root);

        tampered.Set(target.Jurisdiction, target.ReferenceYear);
        var auditor = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--data", fixture.Layout.Root);
        var node = await ExternalProcess.RunFedAsync(s_timeout, "log", "verify", "--config", fixture.Layout.NodeConfiguration("NS"));

        var series = $"{target.DatasetId} {target.ReferenceYear} NS";
        var release = $"release {target.SubmissionId} (leaf {target.LeafIndex})";
        Assert.True(honest.ExitCode == 0, honest.Output + honest.Error);
        Assert.True(auditor.ExitCode == 1, auditor.Output + auditor.Error);
        Assert.Contains($"ALTERED CELLS SERVED: {series}: {release}", auditor.Output, StringComparison.Ordinal);
        Assert.Contains($"ALTERED CELL SERVED: {release} of {series}, table T0 total cell: the gateway answers {total + Raise}, the release holds {total}.", auditor.Output, StringComparison.Ordinal);
        Assert.Contains($"QUERY ANSWER DIFFERS: {series}, table T0 total cell: the gateway answers {total + Raise}, {release} holds {total}.", auditor.Output, StringComparison.Ordinal);
        Assert.Contains($"QUERY ANSWER DIFFERS: {target.DatasetId} {target.ReferenceYear} national, table T0", auditor.Output, StringComparison.Ordinal);
        Assert.True(node.ExitCode == 1, node.Output + node.Error);
        Assert.Contains($"ALTERED CELLS SERVED: {series}: {release}", node.Output, StringComparison.Ordinal);
    }

    private static Task<NodeRunReport> RunNodeAsync(DemoFederationFixture fixture, string jurisdiction) =>
        new NodeRunner(NodeConfiguration.Load(fixture.Layout.NodeConfiguration(jurisdiction)), TimeProvider.System).RunAsync(CancellationToken.None);

    private static async Task<long> ServedTotalAsync(WebApplication gateway, Receipt release) =>
        (await gateway.Services.GetRequiredService<ServedStatistics>().GetCurrentCellsAsync(release.DatasetId, "T0", [release.ReferenceYear], CancellationToken.None))
        .Single(c => c.Jurisdiction == release.Jurisdiction).Value;

    private static async Task<long> AnsweredTotalAsync(WebApplication gateway, Receipt release) =>
        (await gateway.Services.GetRequiredService<Federation.Gateway.Query.QueryEngine>().QueryAsync(
            new QueryRequest { DatasetId = release.DatasetId, Years = { release.ReferenceYear }, Jurisdictions = { release.Jurisdiction }, ByJurisdiction = true },
            CancellationToken.None)).Rows.Single().Value;

    private static void RaiseTotal(Submission submission) => submission.Tables.Single(t => t.TableId == "T0").Cells.Single().Value += Raise;

    // What an operator holding log.key can do with the gateway's own code: raise one release's total, then rebuild the
    // whole log (leaves, subtree hashes, checkpoints) around the changed bytes and sign every checkpoint again.
    private static async Task<string> RewriteLogAsync(DemoLayout layout, string releaseId)
    {
        var database = Path.Combine(layout.GatewayDirectory, "gateway.db");
        var store = new SqliteLogStore(database);
        var leaves = await store.GetLeavesAsync(0, await store.GetTreeSizeAsync(CancellationToken.None), int.MaxValue, CancellationToken.None);
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM log_entries; DELETE FROM log_subtrees; DELETE FROM log_checkpoints WHERE tree_size > 0;";
            command.ExecuteNonQuery();
        }

        using var key = LogSigningKey.Load(DevelopmentFederation.LogOrigin, layout.LogSigningKey);
        var log = new TransparencyLog(store, key, TimeProvider.System);
        var rewrittenId = string.Empty;
        foreach (var leaf in leaves)
        {
            var (id, bytes) = (leaf.ReleaseId, leaf.Leaf);
            if (id == releaseId)
            {
                var envelope = SignedEnvelope.Parser.ParseFrom(bytes);
                var submission = Submission.Parser.ParseFrom(envelope.Submission);
                RaiseTotal(submission);
                envelope.Submission = submission.ToByteString();
                (id, bytes) = (Convert.ToHexStringLower(SHA256.HashData(envelope.Submission.Span)), envelope.ToByteArray());
                rewrittenId = id;
            }

            await using var transaction = await store.BeginAppendAsync(CancellationToken.None);
            await log.AppendAsync(transaction, leaf.Kind, id, bytes, leaf.SignerSubject, leaf.SignerThumbprint, _ => leaf.Receipt, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        SqliteConnection.ClearAllPools();
        return rewrittenId;
    }

    /// <summary>Which jurisdiction and year the tampering gateway serves raised (none until set).</summary>
    private sealed class TamperedSeries
    {
        public (string Jurisdiction, int Year)? Target { get; private set; }

        public void Set(string jurisdiction, int year) => Target = (jurisdiction, year);
    }

    /// <summary>
    /// A gateway whose operator serves one jurisdiction-year's total raised: query answers, and a served state whose
    /// cells digest is recomputed for the raised cells and signed again with the gateway's log key.
    /// </summary>
    private sealed class ServedFiguresTamperer(TamperedSeries tampered, TransparencyLog log, LogSigningKey key) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request,
            ServerCallContext context,
            UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var response = await continuation(request, context);
            if (tampered.Target is not { } target)
            {
                return response;
            }

            if (response is QueryResponse answer && answer.TableId == "T0")
            {
                foreach (var row in answer.Rows.Where(r => r.ReferenceYear == target.Year && (r.Jurisdiction == target.Jurisdiction || r.Jurisdiction.Length == 0)))
                {
                    row.Value += Raise;
                }
            }
            else if (response is GetServedStateResponse state)
            {
                await RaiseAsync(state, target.Jurisdiction, target.Year);
            }

            return response;
        }

        private async Task RaiseAsync(GetServedStateResponse state, string jurisdiction, int year)
        {
            var series = state.Series.Single(s => s.Jurisdiction == jurisdiction && s.ReferenceYear == year);
            var leaf = (await log.GetEntriesAsync((long)series.LeafIndex, (long)series.LeafIndex + 1, CancellationToken.None)).Single();
            var submission = Submission.Parser.ParseFrom(SignedEnvelope.Parser.ParseFrom(leaf.Leaf).Submission);
            RaiseTotal(submission);
            series.CellsDigest = ByteString.CopyFrom(ServedStateDigest.OfCells(
                submission.Tables.SelectMany(t => t.Cells.Select(c => new ServedCell(t.TableId, c.Codes.ToArray(), c.Value)))));
            var checkpoint = key.VerifierKey.TryOpenCheckpoint(state.Checkpoint, out _)!;
            state.ServedStateNote = key.SignServedState(checkpoint, ServedStateDigest.OfSeries(state.Series.Select(s =>
                new ServedSeriesDigest(s.DatasetId, s.ReferenceYear, s.Jurisdiction, (long)s.LeafIndex, s.SubmissionId, s.CellsDigest.ToByteArray()))));
        }
    }
}
