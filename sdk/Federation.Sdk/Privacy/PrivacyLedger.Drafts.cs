using System.Text.Json;

namespace Federation.Sdk.Privacy;

/// <summary>
/// The drafts a preview drew, kept beside the ledger (release-drafts.json) and guarded by the ledger's lock, so a
/// preview and a run can never draw or send different noise for the same counts at the same time.
/// </summary>
public sealed partial class PrivacyLedger
{
    public const string DraftsFileName = "release-drafts.json";
    private const string DraftsFormat = "federation.release-drafts.v1";

    private List<ReleaseDraft>? _drafts;

    /// <summary>Every draft kept, at most one per dataset and reference year.</summary>
    public IReadOnlyList<ReleaseDraft> Drafts => LoadedDrafts;

    private string DraftsPath => Path.Combine(Path.GetDirectoryName(_path)!, DraftsFileName);

    private List<ReleaseDraft> LoadedDrafts => _drafts ??= LoadDrafts(DraftsPath);

    /// <summary>The draft kept for a dataset and reference year, or null.</summary>
    public ReleaseDraft? FindDraft(string datasetId, int referenceYear) =>
        LoadedDrafts.FirstOrDefault(d => d.DatasetId == datasetId && d.ReferenceYear == referenceYear);

    /// <summary>Keeps a draft, durably, in place of any earlier draft of the same dataset and year. Spends nothing.</summary>
    public void SaveDraft(ReleaseDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        LoadedDrafts.RemoveAll(d => d.DatasetId == draft.DatasetId && d.ReferenceYear == draft.ReferenceYear);
        LoadedDrafts.Add(draft);
        SaveDrafts();
    }

    /// <summary>Drops the draft of a dataset and year, if any: it was sent (and charged), or its counts are gone.</summary>
    public void DiscardDraft(string datasetId, int referenceYear)
    {
        if (LoadedDrafts.RemoveAll(d => d.DatasetId == datasetId && d.ReferenceYear == referenceYear) > 0)
        {
            SaveDrafts();
        }
    }

    /// <summary>Reads the drafts kept in <paramref name="directory"/> without locking (for reports).</summary>
    public static IReadOnlyList<ReleaseDraft> ReadDrafts(string directory) => LoadDrafts(Path.Combine(directory, DraftsFileName));

    private void SaveDrafts()
    {
        var document = new DraftsDocument(DraftsFormat, LoadedDrafts.OrderBy(d => d.DatasetId, StringComparer.Ordinal).ThenBy(d => d.ReferenceYear).Select(DraftJson.From).ToArray());
        var temporary = DraftsPath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, document, s_json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, DraftsPath, overwrite: true);
    }

    private static List<ReleaseDraft> LoadDrafts(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize<DraftsDocument>(stream, s_json);
            if (document is null || document.Format != DraftsFormat)
            {
                throw new InvalidDataException($"{path} is not a file of release drafts ({DraftsFormat}).");
            }

            return document.Drafts.Select(d => d.ToDraft()).ToList();
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            // A draft has cost nothing yet, so a damaged file is safe to delete; it is never guessed at.
            throw new InvalidDataException($"The release drafts {path} cannot be read ({e.Message}); delete the file (drafts have spent no budget) and preview again.", e);
        }
    }

    private sealed record DraftsDocument(string Format, DraftJson[] Drafts);

    private sealed record DraftJson(string DatasetId, int ReferenceYear, DateTimeOffset DrawnAt, string CountsDigest, string Release)
    {
        public static DraftJson From(ReleaseDraft d) => new(d.DatasetId, d.ReferenceYear, d.DrawnAt, d.CountsDigest, Convert.ToBase64String(d.Release));

        public ReleaseDraft ToDraft() => new(DatasetId, ReferenceYear, DrawnAt, CountsDigest, Convert.FromBase64String(Release));
    }
}
