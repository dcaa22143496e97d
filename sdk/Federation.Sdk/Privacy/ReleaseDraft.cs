namespace Federation.Sdk.Privacy;

/// <summary>
/// A protected release a preview drew but nothing has sent yet: the noise is drawn once, kept on the node, and the next
/// run sends exactly this release when the counts are still those it protected (same keyed digest). It costs nothing
/// until a run charges it to the ledger; a draft for counts that changed is replaced or discarded, never charged.
/// </summary>
public sealed record ReleaseDraft(
    string DatasetId,
    int ReferenceYear,
    DateTimeOffset DrawnAt,
    string CountsDigest,
    byte[] Release);
