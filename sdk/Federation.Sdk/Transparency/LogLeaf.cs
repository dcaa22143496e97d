using Federation.Contracts.V1;
using Google.Protobuf;

namespace Federation.Sdk.Transparency;

/// <summary>
/// What the gateway's log commits to for an accepted release: the leaf is the serialized SignedEnvelope with the
/// signed bytes (field 1), the CMS signature (field 2) and, for anything but a statistics Submission, what the bytes
/// are (field 3, <see cref="SignedContent"/>); a statistics leaf is therefore exactly the two-field envelope the node
/// signed and sent. The leaf hash is SHA-256(0x00 || leaf). A node computes the same hash from the envelope it kept.
/// </summary>
public static class LogLeaf
{
    /// <summary>The leaf of a statistics release.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> submissionBytes, ReadOnlySpan<byte> signature) =>
        Encode(submissionBytes, signature, SignedContent.Unspecified);

    /// <summary>The leaf of a release of the given content.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> signedBytes, ReadOnlySpan<byte> signature, SignedContent content) =>
        new SignedEnvelope { Submission = ByteString.CopyFrom(signedBytes), Signature = ByteString.CopyFrom(signature), Content = content }.ToByteArray();

    public static byte[] Encode(SignedEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return Encode(envelope.Submission.Span, envelope.Signature.Span, envelope.Content);
    }

    public static byte[] Hash(SignedEnvelope envelope) => MerkleHash.Leaf(Encode(envelope));
}
