using Federation.Contracts.V1;
using Google.Protobuf;

namespace Federation.Sdk.Publishing;

/// <summary>
/// The node's receipts as files, for people and for <c>fed log verify</c>: every receipt the gateway signed, written
/// atomically (temporary file, then rename) and named by its submission id, so writing one again changes nothing. The
/// node's <see cref="Outbox"/> is the record of what was signed, sent and acknowledged.
/// </summary>
public sealed class ReleaseArchive
{
    /// <summary>The folder of the receipts, under the archive's folder.</summary>
    public const string ReceiptsFolder = "receipts";

    private readonly string _directory;

    public ReleaseArchive(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        Directory.CreateDirectory(Path.Combine(_directory, ReceiptsFolder));
    }

    /// <summary>Keeps a receipt as JSON (protobuf JSON form), named by its submission id.</summary>
    public string SaveReceipt(Receipt receipt)
    {
        var path = Path.Combine(_directory, ReceiptsFolder, $"{receipt.DatasetId}_{receipt.ReferenceYear}_{receipt.SubmissionId}.json");
        WriteAtomically(path, System.Text.Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(receipt) + Environment.NewLine));
        return path;
    }

    /// <summary>
    /// Keeps a receipt the gateway signed: the JSON form, the exact signed bytes (<c>.receipt</c>) and the gateway's
    /// detached CMS signature over them (<c>.receipt.p7s</c>), so anyone can check it later.
    /// </summary>
    public string SaveSignedReceipt(Receipt receipt, byte[] signedReceipt, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var json = SaveReceipt(receipt);
        var stem = Path.ChangeExtension(json, null);
        WriteAtomically(stem + ".receipt", signedReceipt);
        WriteAtomically(stem + ".receipt.p7s", signature);
        return json;
    }

    /// <summary>The signed bytes and signature kept for a receipt, or null when it was kept unsigned.</summary>
    public (byte[] SignedReceipt, byte[] Signature)? FindReceiptSignature(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var stem = Path.Combine(_directory, ReceiptsFolder, $"{receipt.DatasetId}_{receipt.ReferenceYear}_{receipt.SubmissionId}");
        return File.Exists(stem + ".receipt") && File.Exists(stem + ".receipt.p7s")
            ? (File.ReadAllBytes(stem + ".receipt"), File.ReadAllBytes(stem + ".receipt.p7s"))
            : null;
    }

    /// <summary>Every receipt kept, oldest first by time received.</summary>
    public IReadOnlyList<Receipt> LoadReceipts() =>
        Directory.EnumerateFiles(Path.Combine(_directory, ReceiptsFolder), "*.json")
            .Select(f => Receipt.Parser.ParseJson(File.ReadAllText(f)))
            .OrderBy(r => r.ReceivedAt?.ToDateTimeOffset())
            .ToArray();

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
