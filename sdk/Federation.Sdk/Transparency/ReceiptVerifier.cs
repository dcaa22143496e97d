using Federation.Contracts.V1;

namespace Federation.Sdk.Transparency;

/// <summary>
/// Checks a gateway receipt against the log key a node pins: the checkpoint is signed by the log, names the receipt's
/// tree size, and the inclusion proof leads from the receipt's leaf to the checkpoint's root. With the envelope that
/// was sent, the leaf hash must also be that envelope's.
/// </summary>
public sealed class ReceiptVerifier
{
    private readonly LogVerifierKey _logKey;

    public ReceiptVerifier(LogVerifierKey logKey)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        _logKey = logKey;
    }

    /// <summary>Checks a statistics receipt; with <paramref name="sent"/>, its leaf must be that envelope's.</summary>
    public ProofResult Verify(Receipt receipt, SignedEnvelope? sent = null)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return Verify(
            receipt.Checkpoint,
            receipt.TreeSize,
            receipt.LeafIndex,
            receipt.LeafHash.ToByteArray(),
            receipt.InclusionProof,
            sent is null ? null : LogLeaf.Hash(sent));
    }

    /// <summary>Checks a directory receipt; with <paramref name="sent"/>, its leaf must be that envelope's (as a directory release).</summary>
    public ProofResult Verify(DirectoryReceipt receipt, SignedEnvelope? sent = null)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return Verify(
            receipt.Checkpoint,
            receipt.TreeSize,
            receipt.LeafIndex,
            receipt.LeafHash.ToByteArray(),
            receipt.InclusionProof,
            sent is null ? null : MerkleHash.Leaf(LogLeaf.Encode(sent.Submission.Span, sent.Signature.Span, SignedContent.DirectoryRelease)));
    }

    private ProofResult Verify(string signedCheckpoint, ulong treeSize, ulong leafIndex, byte[] leafHash, IEnumerable<Google.Protobuf.ByteString> inclusionProof, byte[]? expectedLeafHash)
    {
        if (string.IsNullOrEmpty(signedCheckpoint))
        {
            return ProofResult.Invalid("the receipt carries no transparency log checkpoint");
        }

        if (expectedLeafHash is not null && !leafHash.AsSpan().SequenceEqual(expectedLeafHash))
        {
            return ProofResult.Invalid("the receipt's leaf hash is not the hash of the envelope that was sent");
        }

        var checkpoint = _logKey.TryOpenCheckpoint(signedCheckpoint, out var error);
        if (checkpoint is null)
        {
            return ProofResult.Invalid($"the receipt's checkpoint is not valid: {error}");
        }

        if ((ulong)checkpoint.TreeSize != treeSize)
        {
            return ProofResult.Invalid($"the receipt names tree size {treeSize} but its checkpoint is of size {checkpoint.TreeSize}");
        }

        var proof = MerkleProof.VerifyInclusion(leafIndex, treeSize, leafHash, inclusionProof.Select(p => p.ToByteArray()).ToArray(), checkpoint.RootHash);
        return proof.IsValid ? proof : ProofResult.Invalid($"the receipt's inclusion proof fails: {proof.Failure}");
    }
}
