using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Sdk.Privacy;

/// <summary>
/// The node's persistent record of the privacy budget it has spent, per dataset and reference year: one entry per
/// protected release made, with its cost rho, the keyed digest of the counts it protected and the protected release
/// itself (so unchanged data is released again as it was, never with fresh noise). One JSON file in the node's state
/// folder, replaced atomically on every change; an open ledger holds an exclusive lock so two runs cannot both spend.
/// </summary>
public sealed class PrivacyLedger : IDisposable
{
    public const string FileName = "privacy-ledger.json";
    private const string LockFileName = "privacy-ledger.lock";
    private const string Format = "federation.privacy-ledger.v1";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly string _path;
    private readonly FileStream _lock;
    private readonly List<LedgerEntry> _entries;

    private PrivacyLedger(string path, FileStream lockStream, List<LedgerEntry> entries)
    {
        _path = path;
        _lock = lockStream;
        _entries = entries;
    }

    /// <summary>Every release recorded, oldest first.</summary>
    public IReadOnlyList<LedgerEntry> Entries => _entries;

    /// <summary>Opens (creating if needed) the ledger in <paramref name="directory"/> and locks it for this process.</summary>
    public static PrivacyLedger Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        FileStream lockStream;
        try
        {
            lockStream = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The privacy ledger in {directory} is in use by another run of this node; wait for it to finish and try again.", e);
        }

        try
        {
            var path = Path.Combine(directory, FileName);
            return new PrivacyLedger(path, lockStream, [.. Load(path)]);
        }
        catch
        {
            lockStream.Dispose();
            throw;
        }
    }

    /// <summary>Reads the entries of the ledger in <paramref name="directory"/> without locking it (for reports).</summary>
    public static IReadOnlyList<LedgerEntry> Read(string directory) => Load(Path.Combine(directory, FileName));

    /// <summary>The budget spent on a dataset and reference year.</summary>
    public Rational Spent(string datasetId, int referenceYear) => SpentOf(_entries, datasetId, referenceYear);

    public static Rational SpentOf(IEnumerable<LedgerEntry> entries, string datasetId, int referenceYear) =>
        entries.Where(e => e.DatasetId == datasetId && e.ReferenceYear == referenceYear).Aggregate(Rational.Zero, (sum, e) => sum + e.Rho);

    /// <summary>The latest release recorded for a dataset and reference year, or null.</summary>
    public LedgerEntry? LastRelease(string datasetId, int referenceYear) =>
        _entries.LastOrDefault(e => e.DatasetId == datasetId && e.ReferenceYear == referenceYear);

    /// <summary>
    /// Records a release and its cost, durably, before it is signed. Refuses (and records nothing) when the cost would
    /// take the year past <paramref name="budget"/>.
    /// </summary>
    public void Charge(LedgerEntry entry, Rational budget)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var spent = Spent(entry.DatasetId, entry.ReferenceYear);
        if (spent + entry.Rho > budget)
        {
            throw new PrivacyBudgetExceededException(
                [new BudgetShortfall(entry.DatasetId, entry.ReferenceYear, entry.Rho, spent, budget)]);
        }

        _entries.Add(entry);
        Save();
    }

    public void Dispose() => _lock.Dispose();

    private void Save()
    {
        var document = new LedgerDocument(Format, _entries.Select(EntryJson.From).ToArray());
        var temporary = _path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, document, s_json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }

    private static List<LedgerEntry> Load(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize<LedgerDocument>(stream, s_json);
            if (document is null || document.Format != Format)
            {
                throw new InvalidDataException($"{path} is not a privacy ledger ({Format}).");
            }

            return document.Entries.Select(e => e.ToEntry()).ToList();
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            // A damaged ledger must stop the node: guessing what was spent could overspend the budget.
            throw new InvalidDataException($"The privacy ledger {path} cannot be read ({e.Message}); restore it from a backup before releasing again.", e);
        }
    }

    private sealed record LedgerDocument(string Format, EntryJson[] Entries);

    private sealed record EntryJson(
        string DatasetId,
        int ReferenceYear,
        string Rho,
        DateTimeOffset ChargedAt,
        string SubmissionId,
        string CountsDigest,
        string Release,
        int Edition)
    {
        public static EntryJson From(LedgerEntry e) => new(
            e.DatasetId, e.ReferenceYear, e.Rho.ToString(), e.ChargedAt, e.SubmissionId, e.CountsDigest, Convert.ToBase64String(e.Release), e.Edition);

        public LedgerEntry ToEntry() => new(
            DatasetId, ReferenceYear, Rational.Parse(Rho), ChargedAt, SubmissionId, CountsDigest, Convert.FromBase64String(Release), Edition);
    }
}

/// <summary>
/// One protected release recorded in the ledger: its cost, when it was made, the SHA-256 of its (unsigned) submission
/// bytes, the keyed digest of the counts it protected, the submission bytes themselves, and the edition of the
/// publication calendar it was made at (0 in entries written before the calendar: older than any edition).
/// </summary>
public sealed record LedgerEntry(
    string DatasetId,
    int ReferenceYear,
    Rational Rho,
    DateTimeOffset ChargedAt,
    string SubmissionId,
    string CountsDigest,
    byte[] Release,
    int Edition);

/// <summary>A release the budget of one dataset and year cannot pay for.</summary>
public sealed record BudgetShortfall(string DatasetId, int ReferenceYear, Rational Cost, Rational Spent, Rational Budget)
{
    public Rational Remaining => Budget - Spent;

    public override string ToString() =>
        $"{DatasetId} {ReferenceYear}: a new release costs rho {Cost}, but {Spent} of the budget {Budget} is already spent ({Remaining} left)";
}

/// <summary>A release was refused because it would exceed the privacy budget. Nothing was signed or sent.</summary>
public sealed class PrivacyBudgetExceededException : InvalidOperationException
{
    public PrivacyBudgetExceededException(IReadOnlyList<BudgetShortfall> shortfalls)
        : base(
            "Privacy budget exceeded; nothing was signed or sent for these years. " + string.Join("; ", shortfalls) + ". "
            + "The source data for these years changed since their last release, and a new release would spend more than the "
            + "dataset's budget per reference year. Release the data as it was (the previous release is re-sent unchanged), "
            + "or wait for the federation to publish a new budget.")
    {
        Shortfalls = shortfalls;
    }

    public IReadOnlyList<BudgetShortfall> Shortfalls { get; }
}
