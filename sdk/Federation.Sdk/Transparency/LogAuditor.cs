using System.Globalization;
using Federation.Contracts.V1;
using Google.Protobuf;

namespace Federation.Sdk.Transparency;

/// <summary>
/// Verifies a gateway's transparency log from outside: the latest checkpoint is signed by the pinned key, it is
/// consistent with the last checkpoint this verifier saw, every receipt held is included in it and its stored entry
/// is still the envelope that was sent; an auditor also recomputes the whole tree from the entries. The state file is
/// advanced only when everything verified.
/// </summary>
public sealed class LogAuditor
{
    // Entries read between two progress reports.
    private const int ProgressEvery = 4096;

    private readonly TransparencyLogService.TransparencyLogServiceClient _client;
    private readonly LogVerifierKey _key;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _deadline;

    public LogAuditor(TransparencyLogService.TransparencyLogServiceClient client, LogVerifierKey key, TimeProvider timeProvider, TimeSpan? deadline = null)
    {
        _client = client;
        _key = key;
        _timeProvider = timeProvider;
        _deadline = deadline ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Runs every check; findings say plainly what was verified and what was found wrong, and where.</summary>
    public Task<LogAuditReport> AuditAsync(
        string stateFile,
        IReadOnlyList<HeldReceipt> receipts,
        bool recomputeFromEntries,
        CancellationToken cancellationToken) =>
        AuditAsync(stateFile, receipts, new LogAuditOptions { RecomputeFromEntries = recomputeFromEntries }, cancellationToken);

    /// <summary>Runs every check <paramref name="options"/> asks for; findings say what was verified and what was found wrong, and where.</summary>
    public async Task<LogAuditReport> AuditAsync(
        string stateFile,
        IReadOnlyList<HeldReceipt> receipts,
        LogAuditOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        ArgumentNullException.ThrowIfNull(options);
        var report = new LogAuditReport();
        var response = await _client.GetCheckpointAsync(new GetCheckpointRequest(), deadline: Deadline(), cancellationToken: cancellationToken);
        var latest = _key.TryOpenCheckpoint(response.Checkpoint, out var error);
        if (latest is null)
        {
            report.Problem($"The gateway's latest checkpoint is not trustworthy: {error}. Nothing it says about the log can be relied on.");
            return report;
        }

        report.Checkpoint = latest;
        report.Info($"Latest checkpoint: {latest}, signed by log key {_key.Name} ({_key.KeyId:x8}).");
        var state = LogAuditState.Load(stateFile);
        await CheckConsistencyAsync(state, latest, report, cancellationToken);
        var entries = options.RecomputeFromEntries || options.ServedState is not null
            ? await AuditEntriesAsync(state, latest, report, options.Progress, cancellationToken)
            : null;
        if (options.ServedState is not null && entries is not null && entries.Count == latest.TreeSize)
        {
            await options.ServedState.AuditAsync(latest, entries, report, options.Progress, cancellationToken);
        }

        var leafHashes = entries?.Select(e => MerkleHash.Leaf(e.Entry.Span)).ToArray();
        await CheckReceiptsAsync(receipts, latest, report, cancellationToken);

        if (report.IsClean)
        {
            new LogAuditState(response.Checkpoint, _timeProvider.GetUtcNow(), leafHashes?.Select(Convert.ToBase64String).ToArray() ?? state?.LeafHashes)
                .Save(stateFile);
        }

        return report;
    }

    private async Task CheckConsistencyAsync(LogAuditState? state, Checkpoint latest, LogAuditReport report, CancellationToken cancellationToken)
    {
        if (state is null)
        {
            report.Info("No checkpoint seen before: this one is remembered as the starting point.");
            return;
        }

        var seen = _key.TryOpenCheckpoint(state.Checkpoint, out var error);
        var when = state.VerifiedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (seen is null)
        {
            report.Problem($"The checkpoint remembered from {when} does not open with the log key: {error}.");
            return;
        }

        if (latest.TreeSize < seen.TreeSize)
        {
            report.Problem($"HISTORY REWRITTEN: the log had {seen.TreeSize} leaves on {when} and now has {latest.TreeSize}: leaves {latest.TreeSize} to {seen.TreeSize - 1} were removed.");
            return;
        }

        if (latest.TreeSize == seen.TreeSize)
        {
            if (latest.RootHash.AsSpan().SequenceEqual(seen.RootHash))
            {
                report.Info($"Same checkpoint as verified on {when}.");
            }
            else
            {
                report.Problem($"HISTORY REWRITTEN: the log of {seen.TreeSize} leaves had root {Convert.ToBase64String(seen.RootHash)} on {when} and now has root {Convert.ToBase64String(latest.RootHash)}; the gateway signed both.");
            }

            return;
        }

        var proof = await _client.GetConsistencyProofAsync(
            new GetConsistencyProofRequest { FirstTreeSize = (ulong)seen.TreeSize, SecondTreeSize = (ulong)latest.TreeSize },
            deadline: Deadline(),
            cancellationToken: cancellationToken);
        var result = MerkleProof.VerifyConsistency(
            (ulong)seen.TreeSize, (ulong)latest.TreeSize, Hashes(proof.Proof), seen.RootHash, latest.RootHash);
        if (result.IsValid)
        {
            report.Info($"Consistent with the checkpoint of size {seen.TreeSize} verified on {when}: the log only grew.");
        }
        else
        {
            report.Problem($"HISTORY REWRITTEN: the log of size {latest.TreeSize} does not extend the log of size {seen.TreeSize} verified on {when} ({result.Failure}): some of the first {seen.TreeSize} leaves were changed.");
        }
    }

    // Returns the entries served (all of them unless the gateway stopped short, which is reported).
    private async Task<List<LogEntry>> AuditEntriesAsync(LogAuditState? state, Checkpoint latest, LogAuditReport report, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var hashes = new List<byte[]>();
        var entries = new List<LogEntry>();
        while (hashes.Count < latest.TreeSize)
        {
            var page = await _client.GetEntriesAsync(
                new GetEntriesRequest { Start = (ulong)hashes.Count, End = (ulong)latest.TreeSize },
                deadline: Deadline(),
                cancellationToken: cancellationToken);
            if (page.Entries.Count == 0)
            {
                report.Problem($"The gateway served {hashes.Count} entries but its checkpoint names {latest.TreeSize}: entries from leaf {hashes.Count} are missing.");
                return entries;
            }

            foreach (var entry in page.Entries)
            {
                if (entry.LeafIndex != (ulong)hashes.Count)
                {
                    report.Problem($"The gateway served leaf {entry.LeafIndex} where leaf {hashes.Count} was expected.");
                    return entries;
                }

                hashes.Add(MerkleHash.Leaf(entry.Entry.Span));
                entries.Add(entry);
            }

            if (hashes.Count / ProgressEvery != (hashes.Count - page.Entries.Count) / ProgressEvery || hashes.Count == latest.TreeSize)
            {
                progress?.Report($"entries read: {hashes.Count} of {latest.TreeSize}");
            }
        }

        var kept = state?.LeafHashes?.Select(Convert.FromBase64String).ToArray() ?? [];
        var changed = 0;
        for (var i = 0; i < Math.Min(kept.Length, hashes.Count); i++)
        {
            if (!kept[i].AsSpan().SequenceEqual(hashes[i]))
            {
                changed++;
                report.Problem($"HISTORY REWRITTEN at leaf {i}: entry {i} ({Describe(entries[i])}) is not the entry verified on {state!.VerifiedAt:u}.");
            }
        }

        if (new MerkleTree(hashes).RootHash(latest.TreeSize).AsSpan().SequenceEqual(latest.RootHash))
        {
            report.Info($"All {latest.TreeSize} entries recomputed: they hash to the checkpoint's root.");
            return entries;
        }

        // Locate the altered entries: the gateway's proofs come from its stored leaf hashes, which a change to an
        // entry's stored bytes does not touch.
        for (var i = kept.Length; i < hashes.Count && changed < 20; i++)
        {
            var proof = await _client.GetInclusionProofAsync(
                new GetInclusionProofRequest { LeafIndex = (ulong)i, TreeSize = (ulong)latest.TreeSize },
                deadline: Deadline(),
                cancellationToken: cancellationToken);
            if (!MerkleProof.VerifyInclusion((ulong)i, (ulong)latest.TreeSize, hashes[i], Hashes(proof.Proof), latest.RootHash).IsValid)
            {
                changed++;
                report.Problem($"ALTERED ENTRY at leaf {i}: the stored entry ({Describe(entries[i])}) is not what the signed checkpoint commits to.");
            }
        }

        if (changed == 0)
        {
            report.Problem($"The {latest.TreeSize} entries served do not hash to the signed root of the checkpoint, and no single entry could be blamed: the stored log is inconsistent.");
        }

        return entries;
    }

    private async Task CheckReceiptsAsync(IReadOnlyList<HeldReceipt> receipts, Checkpoint latest, LogAuditReport report, CancellationToken cancellationToken)
    {
        var verifier = new ReceiptVerifier(_key);
        var included = 0;
        foreach (var (holder, receipt) in receipts)
        {
            var what = $"receipt of {holder} for submission {receipt.SubmissionId[..Math.Min(12, receipt.SubmissionId.Length)]} ({receipt.Jurisdiction} {receipt.ReferenceYear} revision {receipt.Revision}, leaf {receipt.LeafIndex})";
            var own = verifier.Verify(receipt);
            if (!own.IsValid)
            {
                report.Problem($"The {what} does not verify on its own: {own.Failure}.");
                continue;
            }

            if (receipt.TreeSize > (ulong)latest.TreeSize)
            {
                report.Problem($"HISTORY REWRITTEN: the {what} was given at tree size {receipt.TreeSize}, but the latest checkpoint has only {latest.TreeSize} leaves: the log was rolled back.");
                continue;
            }

            var proof = await _client.GetInclusionProofAsync(
                new GetInclusionProofRequest { LeafIndex = receipt.LeafIndex, TreeSize = (ulong)latest.TreeSize },
                deadline: Deadline(),
                cancellationToken: cancellationToken);
            var result = MerkleProof.VerifyInclusion(receipt.LeafIndex, (ulong)latest.TreeSize, receipt.LeafHash.Span, Hashes(proof.Proof), latest.RootHash);
            if (!result.IsValid)
            {
                report.Problem($"HISTORY REWRITTEN: the {what} is no longer included in the signed log of size {latest.TreeSize} ({result.Failure}): the gateway's stored log was changed since it signed that checkpoint.");
                continue;
            }

            var entries = await _client.GetEntriesAsync(
                new GetEntriesRequest { Start = receipt.LeafIndex, End = receipt.LeafIndex + 1 },
                deadline: Deadline(),
                cancellationToken: cancellationToken);
            if (entries.Entries.Count != 1 || !MerkleHash.Leaf(entries.Entries[0].Entry.Span).AsSpan().SequenceEqual(receipt.LeafHash.Span))
            {
                report.Problem($"ALTERED ENTRY at leaf {receipt.LeafIndex}: the gateway's stored entry is not the envelope of the {what}.");
                continue;
            }

            included++;
        }

        if (receipts.Count > 0 && included == receipts.Count)
        {
            report.Info($"All {receipts.Count} receipts proven included in the checkpoint of size {latest.TreeSize}, their stored entries unchanged.");
        }
    }

    private static string Describe(LogEntry entry)
    {
        try
        {
            var envelope = SignedEnvelope.Parser.ParseFrom(entry.Entry);
            var id = entry.SubmissionId[..Math.Min(12, entry.SubmissionId.Length)];
            if (envelope.Content == SignedContent.DirectoryRelease)
            {
                var release = DirectoryRelease.Parser.ParseFrom(envelope.Submission);
                return $"directory release {id}, {release.Jurisdiction} {release.ContentCase}";
            }

            var submission = Submission.Parser.ParseFrom(envelope.Submission);
            return $"submission {id}, {submission.Jurisdiction} {submission.ReferenceYear}";
        }
        catch (InvalidProtocolBufferException)
        {
            return $"submission {entry.SubmissionId}, unreadable";
        }
    }

    private static byte[][] Hashes(IEnumerable<ByteString> proof) => proof.Select(p => p.ToByteArray()).ToArray();

    private DateTime Deadline() => _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline);
}

/// <summary>
/// What an audit does beyond the checkpoint's signature and consistency and the receipts held: recompute the tree from
/// every entry, and check what the gateway serves (<see cref="ServedStateAuditor"/>, which reads every entry too).
/// </summary>
public sealed record LogAuditOptions
{
    public bool RecomputeFromEntries { get; init; }

    public ServedStateAuditor? ServedState { get; init; }

    /// <summary>Where progress on long logs goes (entries read, signatures checked), or null.</summary>
    public IProgress<string>? Progress { get; init; }
}

/// <summary>A receipt a verifier holds, and whose it is (a jurisdiction or a node), for messages.</summary>
public sealed record HeldReceipt(string Holder, Receipt Receipt);

/// <summary>The findings of a log audit, in order; clean when nothing is wrong.</summary>
public sealed class LogAuditReport
{
    private readonly List<(bool IsProblem, string Text)> _findings = [];

    public Checkpoint? Checkpoint { get; internal set; }

    public IReadOnlyList<string> Problems => _findings.Where(f => f.IsProblem).Select(f => f.Text).ToArray();

    public IReadOnlyList<(bool IsProblem, string Text)> Findings => _findings;

    public bool IsClean => Checkpoint is not null && !_findings.Any(f => f.IsProblem);

    internal void Info(string text) => _findings.Add((false, text));

    internal void Problem(string text) => _findings.Add((true, text));
}
