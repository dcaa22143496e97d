using Federation.Contracts.V1;
using Federation.Sdk.Publishing;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Sdk.Tests.Publishing;

public sealed class OutboxTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "federation-outbox-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_backoff_doubles_from_the_initial_wait_is_capped_and_jitter_keeps_it_between_half_and_all()
    {
        var policy = new OutboxRetryPolicy(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        var longest = Enumerable.Range(1, 8).Select(n => policy.BackoffAfter(n, jitter: 0.9999999).TotalSeconds).Select(s => Math.Round(s, 3));
        var shortest = Enumerable.Range(1, 8).Select(n => policy.BackoffAfter(n, jitter: 0).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], longest);
        Assert.Equal([0.5, 1, 2, 4, 8, 15, 15, 15], shortest);
        Assert.Equal(TimeSpan.FromSeconds(30 * 0.75), policy.BackoffAfter(1_000, jitter: 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.BackoffAfter(1, jitter: 1));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.Internal, true)]
    [InlineData(StatusCode.Unauthenticated, true)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.AlreadyExists, false)]
    public void Only_statuses_that_say_nothing_about_the_envelope_are_retried(StatusCode status, bool retried) =>
        Assert.Equal(retried, OutboxRetryPolicy.IsTransient(status));

    [Fact]
    public async Task The_uploader_waits_the_growing_capped_schedule_between_transient_failures_and_keeps_the_entry_pending()
    {
        var clock = new RecordingTimeProvider();
        var outbox = await Outbox.OpenAsync(_state, clock);
        var entry = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024, Envelope("a"));
        var gateway = new ScriptedDelivery(Enumerable.Repeat(StatusCode.Unavailable, 10));
        var uploader = new OutboxUploader(outbox, [gateway], clock, new OutboxRetryPolicy(5, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)), jitter: () => 0.5);

        var result = await uploader.DrainAsync();

        Assert.Equal([1.5, 3, 6, 7.5], clock.Waits.Select(w => w.TotalSeconds));
        Assert.Equal(5, gateway.Calls);
        var pending = Assert.Single(result.StillPending);
        Assert.Equal(entry.Id, pending.Id);
        Assert.Equal(5, pending.Attempts);
        Assert.Equal("Unavailable: scripted", pending.LastError);
        Assert.Equal(clock.GetUtcNow(), pending.LastAttemptAt);
    }

    [Fact]
    public async Task A_refusal_marks_the_entry_failed_and_the_next_entry_is_sent_in_order()
    {
        var clock = new RecordingTimeProvider();
        var outbox = await Outbox.OpenAsync(_state, clock);
        var first = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2023, Envelope("a"));
        var second = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024, Envelope("b"));
        var gateway = new ScriptedDelivery([StatusCode.Unavailable, StatusCode.FailedPrecondition]);
        var uploader = new OutboxUploader(outbox, [gateway], clock, new OutboxRetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), jitter: () => 0);

        var result = await uploader.DrainAsync();

        Assert.Equal([first.Id, first.Id, second.Id], gateway.Sent);
        var refused = Assert.Single(result.Refused);
        Assert.Equal(first.Id, refused.Id);
        Assert.Equal(2, refused.Attempts);
        Assert.Equal("FailedPrecondition: scripted", refused.LastError);
        Assert.Equal(second.Id, Assert.Single(result.Delivered).Id);
        Assert.Equal([0.5], clock.Waits.Select(w => w.TotalSeconds));
    }

    [Fact]
    public async Task The_outbox_file_keeps_entries_across_reopening_and_holds_each_envelope_once()
    {
        var clock = new RecordingTimeProvider();
        var outbox = await Outbox.OpenAsync(_state, clock);
        var added = await outbox.AddAsync(OutboxEntryKind.DirectorySnapshot, null, null, Envelope("snapshot"));
        await outbox.RecordAttemptAsync(added.Id, "Unavailable: down");
        await outbox.MarkDeliveredAsync(added.Id, new OutboxReceipt([1, 2, 3], null, null, null));
        await outbox.MarkFailedAsync(added.Id, "a late refusal cannot undo a delivery");

        var reopened = await Outbox.OpenAsync(_state, clock);
        var again = await reopened.AddAsync(OutboxEntryKind.DirectorySnapshot, null, null, Envelope("snapshot"));

        Assert.Equal(added.Id, again.Id);
        var kept = Assert.Single(await reopened.ListAsync());
        Assert.Equal(OutboxEntryState.Delivered, kept.State);
        Assert.Equal(2, kept.Attempts);
        Assert.Equal(new byte[] { 1, 2, 3 }, kept.Receipt!.ReceiptBytes);
        Assert.Equal(kept.Id, (await reopened.FindLatestAsync(OutboxEntryKind.DirectorySnapshot))!.Id);
        Assert.Null(await reopened.FindLatestAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024));
        Assert.Equal("wal", await JournalModeAsync(reopened.Path));
    }

    [Fact]
    public async Task Submission_bytes_the_gateway_refused_are_queued_again_as_a_new_entry_and_the_refused_one_stays_listed()
    {
        var outbox = await Outbox.OpenAsync(_state, new RecordingTimeProvider());
        var refused = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024, Envelope("release"));
        await outbox.MarkFailedAsync(refused.Id, "PermissionDenied: the signing certificate was revoked");

        var resigned = new SignedEnvelope { Submission = ByteString.CopyFromUtf8("release"), Signature = ByteString.CopyFromUtf8("signature with the new key") };
        var queued = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024, resigned);
        var again = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024, resigned);

        Assert.NotEqual(refused.Id, queued.Id);
        Assert.Equal(queued.Id, again.Id);
        Assert.Equal(refused.SubmissionId, queued.SubmissionId);
        Assert.Equal(OutboxEntryState.Pending, queued.State);
        Assert.Equal(resigned, queued.Envelope);
        Assert.Equal([OutboxEntryState.Failed, OutboxEntryState.Pending], (await outbox.ListAsync()).Select(e => e.State));
        Assert.Equal(queued.Id, (await outbox.FindLatestAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024))!.Id);
    }

    [Fact]
    public async Task An_outbox_file_of_the_first_version_keeps_its_entries_when_opened_and_can_then_queue_refused_bytes_again()
    {
        Directory.CreateDirectory(_state);
        var path = Path.Combine(_state, Outbox.FileName);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // The table as the first outbox made it: every submission id unique.
            command.CommandText = """
                CREATE TABLE outbox_entries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, dataset_id TEXT, reference_year INTEGER,
                    submission_id TEXT NOT NULL UNIQUE, envelope BLOB NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')), attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT, queued_at TEXT NOT NULL, last_attempt_at TEXT, settled_at TEXT, receipt BLOB,
                    signed_receipt BLOB, receipt_signature BLOB, leaf_index INTEGER);
                INSERT INTO outbox_entries (kind, dataset_id, reference_year, submission_id, envelope, state, attempts, last_error, queued_at, settled_at)
                VALUES ('statistics', 'trafficking.victims.v1', 2024, $id, $envelope, 'failed', 1, 'PermissionDenied: revoked',
                        '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:01.0000000Z');
                """;
            command.Parameters.AddWithValue("$id", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("release"u8)));
            command.Parameters.AddWithValue("$envelope", Envelope("release").ToByteArray());
            await command.ExecuteNonQueryAsync();
        }

        var outbox = await Outbox.OpenAsync(_state, new RecordingTimeProvider());
        var kept = Assert.Single(await outbox.ListAsync());
        var queued = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2024, Envelope("release"));

        Assert.Equal((OutboxEntryState.Failed, "PermissionDenied: revoked", 1), (kept.State, kept.LastError, kept.Attempts));
        Assert.Equal(Envelope("release"), kept.Envelope);
        Assert.True(queued.Id > kept.Id);
        Assert.Equal(OutboxEntryState.Pending, queued.State);
        Assert.Equal(2, (await (await Outbox.OpenAsync(_state, new RecordingTimeProvider())).ListAsync()).Count);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "submission.tables[1].cells", true)]
    [InlineData(StatusCode.FailedPrecondition, "submission.reference_year", true)]
    [InlineData(StatusCode.FailedPrecondition, "release.capacity_update", true)]
    [InlineData(StatusCode.InvalidArgument, "envelope.signature", false)]
    [InlineData(StatusCode.PermissionDenied, "envelope.signature", false)]
    [InlineData(StatusCode.PermissionDenied, "submission.jurisdiction", false)]
    public void A_refusal_is_about_the_data_unless_it_names_the_signer_or_the_signature(StatusCode status, string field, bool aboutData)
    {
        var refusal = new Google.Rpc.Status
        {
            Code = (int)status,
            Message = "refused",
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.BadRequest { FieldViolations = { new Google.Rpc.BadRequest.Types.FieldViolation { Field = field } } }) },
        }.ToRpcException();

        Assert.Equal(aboutData, OutboxRetryPolicy.IsRefusalOfData(refusal));
    }

    [Fact]
    public async Task An_outbox_file_of_version_1_gains_the_data_refusal_mark_and_keeps_its_entries()
    {
        Directory.CreateDirectory(_state);
        var path = Path.Combine(_state, Outbox.FileName);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // The table as version 1 made it: no record of why an entry was refused.
            command.CommandText = """
                CREATE TABLE outbox_entries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, dataset_id TEXT, reference_year INTEGER,
                    submission_id TEXT NOT NULL, envelope BLOB NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')), attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT, queued_at TEXT NOT NULL, last_attempt_at TEXT, settled_at TEXT, receipt BLOB,
                    signed_receipt BLOB, receipt_signature BLOB, leaf_index INTEGER);
                CREATE UNIQUE INDEX outbox_entries_live_submission ON outbox_entries (submission_id) WHERE state <> 'failed';
                INSERT INTO outbox_entries (kind, dataset_id, reference_year, submission_id, envelope, state, attempts, last_error, queued_at, settled_at)
                VALUES ('statistics', 'trafficking.victims.v1', 2024, 'a1', $envelope, 'failed', 1, 'InvalidArgument: incomplete grid',
                        '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:01.0000000Z');
                PRAGMA user_version = 1;
                """;
            command.Parameters.AddWithValue("$envelope", Envelope("release").ToByteArray());
            await command.ExecuteNonQueryAsync();
        }

        var outbox = await Outbox.OpenAsync(_state, new RecordingTimeProvider());
        var kept = Assert.Single(await outbox.ListAsync());
        var added = await outbox.AddAsync(OutboxEntryKind.Statistics, "trafficking.victims.v1", 2025, Envelope("next"));
        await outbox.MarkFailedAsync(added.Id, "InvalidArgument: incomplete grid", refusedForData: true);
        var reopened = await (await Outbox.OpenAsync(_state, new RecordingTimeProvider())).ListAsync();

        Assert.Equal((OutboxEntryState.Failed, false), (kept.State, kept.RefusedForData));
        Assert.Equal([(kept.Id, false), (added.Id, true)], reopened.Select(e => (e.Id, e.RefusedForData)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans the temp folder.
        }
    }

    private static SignedEnvelope Envelope(string content) => new()
    {
        Submission = ByteString.CopyFromUtf8(content),
        Signature = ByteString.CopyFromUtf8("signature of " + content),
    };

    private static async Task<string> JournalModeAsync(string path)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A gateway that answers with the scripted statuses in turn, then accepts.</summary>
    private sealed class ScriptedDelivery(IEnumerable<StatusCode> failures) : IOutboxDelivery
    {
        private readonly Queue<StatusCode> _failures = new(failures);

        public List<long> Sent { get; } = [];

        public int Calls => Sent.Count;

        public bool Delivers(OutboxEntryKind kind) => true;

        public Task<OutboxReceipt> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
        {
            Sent.Add(entry.Id);
            return _failures.TryDequeue(out var status)
                ? throw new RpcException(new Status(status, "scripted"))
                : Task.FromResult(new OutboxReceipt(entry.Envelope.Submission.ToByteArray(), null, null, null));
        }
    }

    /// <summary>A clock whose timers fire at once: it records each wait and moves its time forward by it.</summary>
    private sealed class RecordingTimeProvider : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

        public List<TimeSpan> Waits { get; } = [];

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Waits.Add(dueTime);
            _now += dueTime;
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new FiredTimer();
        }

        private sealed class FiredTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
