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

    public ProofResult Verify(Receipt receipt, SignedEnvelope? sent = null)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (string.IsNullOrEmpty(receipt.Checkpoint))
        {
            return ProofResult.Invalid("the receipt carries no transparency log checkpoint");
        }

        if (sent is not null && !receipt.LeafHash.Span.SequenceEqual(LogLeaf.Hash(sent)))
        {
            return ProofResult.Invalid("the receipt's leaf hash is not the hash of the envelope that was sent");
        }

        var checkpoint = _logKey.TryOpenCheckpoint(receipt.Checkpoint, out var error);
        if (checkpoint is null)
        {
            return ProofResult.Invalid($"the receipt's checkpoint is not valid: {error}");
        }

        if ((ulong)checkpoint.TreeSize != receipt.TreeSize)
        {
            return ProofResult.Invalid($"the receipt names tree size {receipt.TreeSize} but its checkpoint is of size {checkpoint.TreeSize}");
        }

        var proof = MerkleProof.VerifyInclusion(
            receipt.LeafIndex,
            receipt.TreeSize,
            receipt.LeafHash.Span,
            receipt.InclusionProof.Select(p => p.ToByteArray()).ToArray(),
            checkpoint.RootHash);
        return proof.IsValid ? proof : ProofResult.Invalid($"the receipt's inclusion proof fails: {proof.Failure}");
    }
}
