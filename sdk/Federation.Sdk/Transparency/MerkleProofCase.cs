using System.Text.Json;

namespace Federation.Sdk.Transparency;

/// <summary>
/// One proof to check, in the JSON form of the transparency-dev/merkle test data: an inclusion proof (leafIdx,
/// treeSize, root, leafHash, proof) or a consistency proof (size1, size2, root1, root2, proof), hashes in standard
/// base64. "desc" and "wantErr" are read when present but never change the verdict.
/// </summary>
public sealed class MerkleProofCase
{
    private MerkleProofCase(MerkleProofKind kind, Func<ProofResult> verify, string? description, bool? wantError)
    {
        Kind = kind;
        _verify = verify;
        Description = description;
        WantError = wantError;
    }

    private readonly Func<ProofResult> _verify;

    public MerkleProofKind Kind { get; }

    /// <summary>The case's "desc", if any.</summary>
    public string? Description { get; }

    /// <summary>The case's "wantErr", if any: true when a correct verifier must reject the proof.</summary>
    public bool? WantError { get; }

    public ProofResult Verify() => _verify();

    /// <summary>Reads a case; throws <see cref="FormatException"/> naming the field when the JSON is not one.</summary>
    public static MerkleProofCase Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the JSON is not an object");
            }

            var description = root.TryGetProperty("desc", out var desc) && desc.ValueKind == JsonValueKind.String ? desc.GetString() : null;
            bool? wantError = root.TryGetProperty("wantErr", out var want) && want.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? want.GetBoolean()
                : null;
            var proof = Hashes(root, "proof");
            if (root.TryGetProperty("leafIdx", out _))
            {
                var leafIndex = Number(root, "leafIdx");
                var treeSize = Number(root, "treeSize");
                var rootHash = Bytes(root, "root");
                var leafHash = Bytes(root, "leafHash");
                return new MerkleProofCase(
                    MerkleProofKind.Inclusion,
                    () => MerkleProof.VerifyInclusion(leafIndex, treeSize, leafHash, proof, rootHash),
                    description,
                    wantError);
            }

            if (root.TryGetProperty("size1", out _))
            {
                var size1 = Number(root, "size1");
                var size2 = Number(root, "size2");
                var root1 = Bytes(root, "root1");
                var root2 = Bytes(root, "root2");
                return new MerkleProofCase(
                    MerkleProofKind.Consistency,
                    () => MerkleProof.VerifyConsistency(size1, size2, proof, root1, root2),
                    description,
                    wantError);
            }

            throw new FormatException("neither an inclusion case (leafIdx, treeSize, root, leafHash, proof) nor a consistency case (size1, size2, root1, root2, proof)");
        }
    }

    private static ulong Number(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetUInt64(out var number))
        {
            throw new FormatException($"\"{name}\" must be a whole number from 0 to {ulong.MaxValue}");
        }

        return number;
    }

    private static byte[] Bytes(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"\"{name}\" must be a base64 string");
        }

        return Decode(value.GetString()!, name);
    }

    private static byte[][] Hashes(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"\"{name}\" must be an array of base64 strings or null");
        }

        return value.EnumerateArray()
            .Select((e, i) => e.ValueKind == JsonValueKind.String
                ? Decode(e.GetString()!, $"{name}[{i}]")
                : throw new FormatException($"\"{name}[{i}]\" must be a base64 string"))
            .ToArray();
    }

    private static byte[] Decode(string text, string name)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"\"{name}\" is not standard base64", e);
        }
    }
}

/// <summary>What a <see cref="MerkleProofCase"/> proves.</summary>
public enum MerkleProofKind
{
    Inclusion,
    Consistency,
}
