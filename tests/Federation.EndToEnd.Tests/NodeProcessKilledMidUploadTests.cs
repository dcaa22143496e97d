using System.Text.Json.Nodes;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Node.Hosting;
using Federation.Sdk.Client;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// `fed node run --once` as an operating-system process, killed outright (SIGKILL, no shutdown code) in the middle of
/// its uploads to a real gateway, then started again as a new process: every release is stored once, every receipt is
/// kept, nothing is signed or charged to the privacy budget twice. And a run that cannot deliver exits non-zero
/// naming each release it left in the outbox.
/// </summary>
public sealed class NodeProcessKilledMidUploadTests
{
    private const string Jurisdiction = "NS";

    // Generous: up to six engineers share two cores, and a node process starts, reads, draws noise and signs first.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_node_process_killed_after_the_gateway_stored_a_release_but_before_its_receipt_came_back_resends_it_on_restart_and_nothing_is_lost_or_duplicated()
    {
        var hold = new SubmitHold(call: 2, SubmitHoldPoint.AfterStoring);
        await using var fixture = await DemoFederationFixture.StartAsync(hold);
        var path = fixture.Layout.NodeConfiguration(Jurisdiction);
        var configuration = NodeConfiguration.Load(path);

        var beforeKill = await RunUntilHeldThenKillAsync(hold, path, configuration);

        // The gateway committed the held release; the node never saw its receipt, so its outbox still has it pending.
        Assert.Equal(beforeKill.Outbox.Take(2).Select(e => e.SubmissionId), await StoredSubmissionIdsAsync(fixture));
        Assert.Equal(beforeKill.Outbox[1].SubmissionId, hold.SubmissionIdsSeen[1]);

        hold.Release();
        var delivered = await RestartAndAssertNothingLostOrDuplicatedAsync(fixture, hold, path, configuration, beforeKill);

        // Its receipt is the one the gateway made when it stored it, before the kill: leaf 1, not a new leaf.
        var held = delivered[1].StatisticsReceipt!;
        Assert.Equal(1UL, held.LeafIndex);
        Assert.True(held.ReceivedAt.ToDateTimeOffset() < beforeKill.KilledAt, $"received {held.ReceivedAt}, killed {beforeKill.KilledAt:O}");
    }

    [Fact]
    public async Task A_node_process_killed_while_the_gateway_had_not_yet_taken_a_release_sends_it_on_restart_and_nothing_is_lost_or_duplicated()
    {
        var hold = new SubmitHold(call: 2, SubmitHoldPoint.BeforeStoring);
        await using var fixture = await DemoFederationFixture.StartAsync(hold);
        var path = fixture.Layout.NodeConfiguration(Jurisdiction);
        var configuration = NodeConfiguration.Load(path);

        var beforeKill = await RunUntilHeldThenKillAsync(hold, path, configuration);

        // Only the first release reached the gateway's store; the one in flight did not.
        Assert.Equal([beforeKill.Outbox[0].SubmissionId], await StoredSubmissionIdsAsync(fixture));
        Assert.Equal(beforeKill.Outbox[1].SubmissionId, hold.SubmissionIdsSeen[1]);

        hold.Release();
        var delivered = await RestartAndAssertNothingLostOrDuplicatedAsync(fixture, hold, path, configuration, beforeKill);

        // The gateway first took it from the new process.
        var held = delivered[1].StatisticsReceipt!;
        Assert.True(held.ReceivedAt.ToDateTimeOffset() > beforeKill.KilledAt, $"received {held.ReceivedAt}, killed {beforeKill.KilledAt:O}");
    }

    [Fact]
    public async Task Fed_node_run_once_exits_3_when_the_gateway_cannot_be_reached_and_5_naming_each_release_it_refused_and_status_reports_it()
    {
        // The gateway's policy refuses every upload (as it would a node it no longer accepts releases from).
        await using var fixture = await DemoFederationFixture.StartAsync(
            new UploadOutage(StatusCode.PermissionDenied, "Uploads from this node are refused by the gateway's policy (test)."));

        // Nova Scotia's gateway cannot be reached: nothing is prepared, signed or charged.
        var unreachable = fixture.Layout.NodeConfiguration(Jurisdiction);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(unreachable))!;
        json["gateway"]!["address"] = NodeOutboxTests.ClosedPortAddress();
        await File.WriteAllTextAsync(unreachable, json.ToJsonString());

        // New Brunswick's node gets a token and a healthy gateway, then every release is refused.
        var refused = fixture.Layout.NodeConfiguration("NB");
        json = JsonNode.Parse(await File.ReadAllTextAsync(refused))!;
        json.AsObject().Remove("serviceDirectory");
        await File.WriteAllTextAsync(refused, json.ToJsonString());

        var pending = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", unreachable, "--once");
        var refusals = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", refused, "--once");

        var years = NodeConfiguration.Load(unreachable).ReferenceYears;
        Assert.True(pending.ExitCode == NodeExitCodes.Pending, $"fed node run exited {pending.ExitCode}: {pending.Error}\n{pending.Output}");
        Assert.StartsWith("The node's run failed:", pending.Error, StringComparison.Ordinal);
        Assert.Contains("Statistics: The token endpoint https://127.0.0.1:", pending.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", pending.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("signed and sent", pending.Output, StringComparison.Ordinal);
        Assert.Empty(PrivacyLedger.Read(NodeStateLayout.Of(NodeConfiguration.Load(unreachable)).Privacy));
        var status = await ExternalProcess.RunFedAsync(Timeout, "node", "status", "--config", unreachable, "--format", "json");
        Assert.True(status.ExitCode == NodeExitCodes.Pending, $"fed node status exited {status.ExitCode}: {status.Error}\n{status.Output}");
        var lastRun = JsonNode.Parse(status.Output)!["lastRun"]!;
        Assert.Equal("pending", (string?)lastRun["outcome"]);
        Assert.Equal(0, (int)lastRun["signedAndSent"]!);

        Assert.True(refusals.ExitCode == NodeExitCodes.Refused, $"fed node run exited {refusals.ExitCode}: {refusals.Error}\n{refusals.Output}");
        Assert.Contains($"Statistics: {years.Count} release(s) were not delivered; the outbox ", refusals.Error, StringComparison.Ordinal);
        const string Refusal = "refused by the gateway (the next run signs it again with the node's current key and sends it): PermissionDenied";
        Assert.Equal(years.Count, CountOccurrences(refusals.Error, Refusal));
        Assert.Contains(
            $"{years.Count} release(s) stay in the node's outbox: {years.Count} refused by the gateway (the next run signs the same release again with the node's current key and sends it). List them with: fed node outbox --config {refused}",
            refusals.Error,
            StringComparison.Ordinal);
        Assert.Empty(await StoredSubmissionIdsAsync(fixture));
        status = await ExternalProcess.RunFedAsync(Timeout, "node", "status", "--config", refused);
        Assert.True(status.ExitCode == NodeExitCodes.Refused, $"fed node status exited {status.ExitCode}: {status.Error}\n{status.Output}");
        Assert.Contains($"exit code 5 (refused): 0 release(s) signed and sent", status.Output, StringComparison.Ordinal);
        Assert.Contains($"{years.Count} refused by the gateway, 0 left pending", status.Output, StringComparison.Ordinal);
        Assert.Contains($"Outbox: 0 pending, 0 delivered, {years.Count} failed", status.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs `fed node run --once` as a process, kills it (with anything it started) the moment the gateway holds its
    /// second upload, and checks what the killed node left: every release signed and queued, the first delivered with
    /// its receipt file, the rest pending, and the privacy budget charged once per year.
    /// </summary>
    private static async Task<KilledRun> RunUntilHeldThenKillAsync(SubmitHold hold, string path, NodeConfiguration configuration)
    {
        var years = configuration.ReferenceYears;
        Assert.True(years.Count >= 3, "The node needs at least three releases: one delivered, one held, one never sent.");
        DateTimeOffset killedAt;
        using (var node = ExternalProcess.StartFed("node", "run", "--config", path, "--once"))
        {
            var first = await Task.WhenAny(hold.Held, node.Exited, Task.Delay(Timeout));
            var (output, error) = await node.KillAsync();
            killedAt = DateTimeOffset.UtcNow;
            Assert.True(
                first == hold.Held,
                (first == node.Exited ? $"fed node run exited {node.ExitCode} before its second upload" : $"the gateway saw no second upload within {Timeout}")
                + $":\n{error}\n{output}");
        }

        var outbox = await StatisticsInOutboxAsync(configuration);
        Assert.Equal(years, outbox.Select(e => e.ReferenceYear!.Value));
        Assert.Equal(
            [OutboxEntryState.Delivered, .. Enumerable.Repeat(OutboxEntryState.Pending, years.Count - 1)],
            outbox.Select(e => e.State));
        Assert.Equal([outbox[0].SubmissionId], ReceiptsKept(configuration).Select(r => r.SubmissionId));

        var ledger = PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy);
        Assert.Equal(outbox.Select(e => (e.ReferenceYear!.Value, e.SubmissionId)), ledger.Select(e => (e.ReferenceYear, e.SubmissionId)));
        return new KilledRun(outbox, ledger, killedAt);
    }

    /// <summary>
    /// Starts `fed node run --once` again as a new process and checks that it delivered what the killed one left, the
    /// held release with its original envelope, and signed, charged and stored nothing twice. Returns the node's
    /// statistics entries, now delivered.
    /// </summary>
    private static async Task<IReadOnlyList<OutboxEntry>> RestartAndAssertNothingLostOrDuplicatedAsync(
        DemoFederationFixture fixture, SubmitHold hold, string path, NodeConfiguration configuration, KilledRun beforeKill)
    {
        var years = configuration.ReferenceYears;
        var callsBeforeRestart = hold.SubmissionIdsSeen.Count;

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--once");

        Assert.True(exitCode == 0, $"fed node run after the kill exited {exitCode}: {error}\n{output}");
        Assert.Contains(
            $"Statistics: 0 release(s) signed and sent, 0 refused earlier and signed again, {years.Count - 1} left pending earlier and sent, 1 unchanged and delivered earlier (not sent again)",
            output,
            StringComparison.Ordinal);

        // The new process sent exactly the envelopes the killed one left pending, the held one included, in order
        // (an upload timed out on a loaded machine may be sent twice: the gateway's store below shows it counted once).
        var queued = beforeKill.Outbox.Select(e => e.SubmissionId).ToArray();
        Assert.Equal(queued.Skip(1), hold.SubmissionIdsSeen.Skip(callsBeforeRestart).Distinct());

        // Nothing new was signed: the outbox holds the same entries, now all delivered with their receipts.
        var outbox = await StatisticsInOutboxAsync(configuration);
        Assert.Equal(beforeKill.Outbox.Select(e => (e.Id, e.SubmissionId)), outbox.Select(e => (e.Id, e.SubmissionId)));
        Assert.All(outbox, e => Assert.Equal(OutboxEntryState.Delivered, e.State));
        Assert.Equal(queued, outbox.Select(e => e.StatisticsReceipt!.SubmissionId));
        Assert.All(outbox, e => Assert.Equal(1, e.StatisticsReceipt!.Revision));
        Assert.Equal(Enumerable.Range(0, years.Count).Select(i => (ulong)i), outbox.Select(e => e.StatisticsReceipt!.LeafIndex).Order());

        // The gateway stored each release once, and its transparency log has one leaf per release.
        var stored = await StoredSubmissionIdsAsync(fixture);
        Assert.Equal(queued.Order(), stored.Order());
        Assert.Equal(years.Order(), (await StoredYearsAsync(fixture)).Order());
        using var channel = GatewayChannel.Create(fixture.Address, FederationTrust.FromPemFile(fixture.Layout.RootCertificate), tokens: fixture.Analyst);
        var log = new TransparencyLogService.TransparencyLogServiceClient(channel);
        var checkpoint = await log.GetCheckpointAsync(new GetCheckpointRequest(), deadline: DateTime.UtcNow.AddSeconds(60));
        // The statistics leaves come first (checked above); the node's directory releases are leaves of the same log after them.
        var expectedSize = years.Count + await DirectoryLeafCountAsync(fixture);
        Assert.Equal(expectedSize.ToString(System.Globalization.CultureInfo.InvariantCulture), checkpoint.Checkpoint.Split('\n')[1]);
        var leaves = await log.GetEntriesAsync(new GetEntriesRequest { Start = 0, End = (ulong)years.Count }, deadline: DateTime.UtcNow.AddSeconds(60));
        Assert.Equal(queued.Order(), leaves.Entries.Select(e => e.SubmissionId).Order());
        foreach (var entry in outbox)
        {
            Assert.Equal(entry.SubmissionId, leaves.Entries.Single(l => l.LeafIndex == entry.StatisticsReceipt!.LeafIndex).SubmissionId);
        }

        // Every receipt is kept as files, and each is signed by the gateway and proves its release is in the log.
        var archive = new ReleaseArchive(NodeStateLayout.Of(configuration).Root);
        var receipts = ReceiptsKept(configuration);
        Assert.Equal(queued.Order(), receipts.Select(r => r.SubmissionId).Order());
        using var logKey = LogVerifierKey.Load(configuration.Resolve(configuration.Gateway.LogVerifierKey));
        var signatures = new ReceiptSignatureVerifier(FederationTrust.FromPemFile(fixture.Layout.RootCertificate), TimeProvider.System);
        foreach (var receipt in receipts)
        {
            var envelope = outbox.Single(e => e.SubmissionId == receipt.SubmissionId).Envelope;
            var inclusion = new ReceiptVerifier(logKey).Verify(receipt, envelope);
            Assert.True(inclusion.IsValid, $"{receipt.ReferenceYear}: {inclusion.Failure}");
            var (signedReceipt, signature) = archive.FindReceiptSignature(receipt) ?? throw new InvalidOperationException($"No signed receipt kept for {receipt.SubmissionId}.");
            var check = signatures.Verify(new SubmitResponse
            {
                Receipt = receipt,
                SignedReceipt = ByteString.CopyFrom(signedReceipt),
                ReceiptSignature = ByteString.CopyFrom(signature),
            });
            Assert.True(check.IsValid, $"{receipt.ReferenceYear}: {check.Message}");
        }

        // The budget was charged once per year, by the killed run; the new one spent nothing.
        var ledger = PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy);
        Assert.Equal(beforeKill.Ledger.Select(e => (e.ReferenceYear, e.SubmissionId, e.ChargedAt)), ledger.Select(e => (e.ReferenceYear, e.SubmissionId, e.ChargedAt)));
        Assert.Equal(years.Order(), ledger.Select(e => e.ReferenceYear).Order());
        return outbox;
    }

    // The node's statistics releases in its outbox, in the order queued (a full run also queues its service directory).
    private static async Task<IReadOnlyList<OutboxEntry>> StatisticsInOutboxAsync(NodeConfiguration configuration) =>
        [.. (await (await Outbox.OpenAsync(NodeStateLayout.Of(configuration).Root, TimeProvider.System)).ListAsync()).Where(e => e.Kind == OutboxEntryKind.Statistics)];

    private static IReadOnlyList<Receipt> ReceiptsKept(NodeConfiguration configuration) =>
        new ReleaseArchive(NodeStateLayout.Of(configuration).Root).LoadReceipts();

    private static async Task<IReadOnlyList<string>> StoredSubmissionIdsAsync(DemoFederationFixture fixture) =>
        (await StoredSubmissionsAsync(fixture)).Select(s => s.Id).ToArray();

    private static async Task<IReadOnlyList<int>> StoredYearsAsync(DemoFederationFixture fixture) =>
        (await StoredSubmissionsAsync(fixture)).Select(s => s.Submission.ReferenceYear).ToArray();

    private static async Task<long> DirectoryLeafCountAsync(DemoFederationFixture fixture)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Layout.GatewayDirectory, "gateway.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM log_entries WHERE kind = 2";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The jurisdiction's statistics releases in the gateway's log, in the order it took them.
    private static async Task<IReadOnlyList<(string Id, Submission Submission)>> StoredSubmissionsAsync(DemoFederationFixture fixture)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Layout.GatewayDirectory, "gateway.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT release_id, leaf FROM log_entries WHERE kind = 1 ORDER BY leaf_index";
        var values = new List<(string, Submission)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var submission = Submission.Parser.ParseFrom(SignedEnvelope.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1)).Submission);
            if (submission.Jurisdiction == Jurisdiction)
            {
                values.Add((reader.GetString(0), submission));
            }
        }

        return values;
    }

    private static int CountOccurrences(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;

    /// <summary>What the killed node left: its outbox entries in queue order and its privacy ledger; when it was gone.</summary>
    private sealed record KilledRun(IReadOnlyList<OutboxEntry> Outbox, IReadOnlyList<LedgerEntry> Ledger, DateTimeOffset KilledAt);
}
