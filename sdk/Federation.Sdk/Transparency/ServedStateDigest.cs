using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Sdk.Transparency;

/// <summary>
/// The canonical encoding of what a gateway serves at a tree size (<c>GetServedState</c>, documented in
/// <c>transparency.proto</c> and <c>docs/auditing.md</c>): a digest of each current release's cells, a digest of the
/// list of current releases, and the checkpoint note that carries it. The gateway computes it from its served state,
/// an auditor from its own reading of the entries; both must get the same bytes.
/// </summary>
public static class ServedStateDigest
{
    /// <summary>The keyword of the checkpoint extension line that carries the served state digest.</summary>
    public const string ExtensionKeyword = "federation.v1/served-state";

    /// <summary>SHA-256 over the cells' lines "&lt;table_id&gt; &lt;code&gt;... &lt;value&gt;\n", sorted in byte order.</summary>
    public static byte[] OfCells(IEnumerable<ServedCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return HashSortedLines(cells.Select(c => CellLine(c)));
    }

    /// <summary>The encoded line of one cell (without hashing), as an auditor writes it.</summary>
    public static string CellLine(ServedCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var line = new StringBuilder(cell.TableId);
        foreach (var code in cell.Codes)
        {
            line.Append(' ').Append(code);
        }

        return line.Append(' ').Append(cell.Value.ToString(CultureInfo.InvariantCulture)).Append('\n').ToString();
    }

    /// <summary>SHA-256 over the series' lines "&lt;dataset&gt; &lt;year&gt; &lt;jurisdiction&gt; &lt;leaf&gt; &lt;id&gt; &lt;base64 cells digest&gt;\n", sorted in byte order.</summary>
    public static byte[] OfSeries(IEnumerable<ServedSeriesDigest> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return HashSortedLines(series.Select(SeriesLine));
    }

    /// <summary>The encoded line of one series (without hashing).</summary>
    public static string SeriesLine(ServedSeriesDigest series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{series.DatasetId} {series.ReferenceYear} {series.Jurisdiction} {series.LeafIndex} {series.SubmissionId} {Convert.ToBase64String(series.CellsDigest)}\n");
    }

    /// <summary>The note text the log key signs: the checkpoint's text and the extension line with the served state digest.</summary>
    public static string NoteText(Checkpoint checkpoint, byte[] servedStateDigest)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(servedStateDigest);
        return checkpoint.ToNoteText() + $"{ExtensionKeyword} {Convert.ToBase64String(servedStateDigest)}\n";
    }

    /// <summary>
    /// Opens a served state note: signed by <paramref name="key"/>, for its log, with exactly one served state extension
    /// line. Null with <paramref name="error"/> set otherwise.
    /// </summary>
    public static (Checkpoint Checkpoint, byte[] Digest)? TryOpen(LogVerifierKey key, string note, out string? error)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(note);
        var checkpoint = key.TryOpenCheckpoint(note, out error);
        if (checkpoint is null)
        {
            return null;
        }

        var lines = SignedNote.TryParse(note, out _)!.Text[..^1].Split('\n');
        var prefix = ExtensionKeyword + " ";
        if (lines.Length != 4 || !lines[3].StartsWith(prefix, StringComparison.Ordinal))
        {
            error = $"the note does not end with one '{ExtensionKeyword}' line after the checkpoint";
            return null;
        }

        var digest = new byte[SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(lines[3][prefix.Length..], digest, out var written) || written != digest.Length)
        {
            error = $"the served state digest '{lines[3][prefix.Length..]}' is not the base64 of {digest.Length} bytes";
            return null;
        }

        return (checkpoint, digest);
    }

    private static byte[] HashSortedLines(IEnumerable<string> lines)
    {
        var encoded = lines.Select(Encoding.UTF8.GetBytes).ToList();
        encoded.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in encoded)
        {
            hash.AppendData(line);
        }

        return hash.GetHashAndReset();
    }
}

/// <summary>One served cell: its table, its codes in the table's dimension order (none for a total) and its value.</summary>
public sealed record ServedCell(string TableId, IReadOnlyList<string> Codes, long Value);

/// <summary>The current release of one dataset, reference year and jurisdiction, and the digest of its cells.</summary>
public sealed record ServedSeriesDigest(string DatasetId, int ReferenceYear, string Jurisdiction, long LeafIndex, string SubmissionId, byte[] CellsDigest);
