using Federation.Contracts.V1;
using Google.Protobuf;

namespace Federation.Sdk.Transparency;

/// <summary>
/// What the gateway's log commits to for an accepted release: the leaf is the serialized SignedEnvelope with exactly
/// its two fields (1: submission bytes, 2: CMS signature), as the node signed and sent it; the leaf hash is
/// SHA-256(0x00 || leaf). A node computes the same hash from the envelope it kept.
/// </summary>
public static class LogLeaf
{
    public static byte[] Encode(ReadOnlySpan<byte> submissionBytes, ReadOnlySpan<byte> signature) =>
        new SignedEnvelope { Submission = ByteString.CopyFrom(submissionBytes), Signature = ByteString.CopyFrom(signature) }.ToByteArray();

    public static byte[] Encode(SignedEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return Encode(envelope.Submission.Span, envelope.Signature.Span);
    }

    public static byte[] Hash(SignedEnvelope envelope) => MerkleHash.Leaf(Encode(envelope));
}
