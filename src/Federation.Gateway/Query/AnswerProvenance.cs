using System.Globalization;
using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Catalog;
using Federation.Sdk.Transparency;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Gateway.Query;

/// <summary>
/// What a query answer is cited by: the publication flag, the signed checkpoint the answer was computed at (its root
/// hash and the log key's id) and when it was computed; and each row's revision ("r") and preliminary ("p") marks
/// (<see cref="RevisionMarks"/>). Added once to each answer the engine computes, before it is given or kept.
/// </summary>
public sealed class AnswerProvenance(DatasetCatalog catalog, TransparencyLog log, TimeProvider timeProvider)
{
    private readonly string _logKeyId = log.VerifierKey.KeyId.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>
    /// Fills the provenance fields of <paramref name="response"/> (computed for <paramref name="request"/> from the
    /// releases within <paramref name="checkpoint"/>'s tree, which <paramref name="snapshot"/> covers) and marks its
    /// rows. <paramref name="asOf"/>: the question was asked "as of" that checkpoint, so preliminary means "at the time
    /// it was signed" rather than now.
    /// </summary>
    public void Add(QueryRequest request, QueryResponse response, ServedSnapshot snapshot, StoredCheckpoint checkpoint, bool asOf)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var now = timeProvider.GetUtcNow();
        response.Publication = request.Publication;
        response.Checkpoint = checkpoint.SignedNote;
        response.RootHash = ByteString.CopyFrom(RootHashOf(checkpoint));
        response.LogKeyId = _logKeyId;
        response.ComputedAt = Timestamp.FromDateTimeOffset(now);

        if (catalog.Find(response.DatasetId) is { } dataset && dataset.FindTable(response.TableId) is { } table)
        {
            RevisionMarks.Mark(snapshot, dataset, table, request, response, checkpoint.TreeSize, asOf ? checkpoint.SignedAt : now);
        }
    }

    private static byte[] RootHashOf(StoredCheckpoint checkpoint) =>
        SignedNote.TryParse(checkpoint.SignedNote, out _) is { } note && Checkpoint.TryParse(note.Text, out _) is { } parsed
            ? parsed.RootHash
            : throw new LogIntegrityException($"The stored checkpoint of tree size {checkpoint.TreeSize} is not a signed checkpoint note.");
}
