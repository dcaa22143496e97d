using System.Security.Cryptography;

namespace Federation.Sdk.Transparency;

/// <summary>
/// Verifies RFC 9162 inclusion proofs (section 2.1.3.2) and consistency proofs (section 2.1.4.2). Nothing is
/// trusted: sizes, indexes, hashes and proof lengths are all checked, and every rejection says why.
/// </summary>
public static class MerkleProof
{
    /// <summary>Whether <paramref name="leafHash"/> is leaf <paramref name="leafIndex"/> of the tree of size <paramref name="treeSize"/> with root <paramref name="rootHash"/>.</summary>
    public static ProofResult VerifyInclusion(
        ulong leafIndex,
        ulong treeSize,
        ReadOnlySpan<byte> leafHash,
        IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> rootHash)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (leafIndex >= treeSize)
        {
            return ProofResult.Invalid($"leaf index {leafIndex} is outside a tree of size {treeSize}");
        }

        if (leafHash.Length != MerkleHash.Size)
        {
            return ProofResult.Invalid($"the leaf hash is {leafHash.Length} bytes, not {MerkleHash.Size}");
        }

        if (rootHash.Length != MerkleHash.Size)
        {
            return ProofResult.Invalid($"the root hash is {rootHash.Length} bytes, not {MerkleHash.Size}");
        }

        var badLength = CheckLengths(proof);
        if (badLength is not null)
        {
            return ProofResult.Invalid(badLength);
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return ProofResult.Invalid($"the proof has {proof.Count} hashes, more than a path in a tree of size {treeSize}");
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            return ProofResult.Invalid($"the proof has {proof.Count} hashes, fewer than the path of leaf {leafIndex} in a tree of size {treeSize}");
        }

        return Same(r, rootHash)
            ? ProofResult.Valid
            : ProofResult.Invalid($"the root computed from the leaf and the proof is not the expected root of the tree of size {treeSize}");
    }

    /// <summary>Whether the tree of size <paramref name="size2"/> with root <paramref name="root2"/> extends the tree of size <paramref name="size1"/> with root <paramref name="root1"/>.</summary>
    public static ProofResult VerifyConsistency(
        ulong size1,
        ulong size2,
        IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> root1,
        ReadOnlySpan<byte> root2)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size2 < size1)
        {
            return ProofResult.Invalid($"the second tree ({size2}) is smaller than the first ({size1})");
        }

        // Every tree extends the empty tree, so a proof from size 0 proves nothing; refused rather than trusted.
        if (size1 == 0)
        {
            return ProofResult.Invalid("a consistency proof from the empty tree (size 0) proves nothing");
        }

        if (size1 == size2)
        {
            if (proof.Count > 0)
            {
                return ProofResult.Invalid($"the sizes are equal ({size1}) but the proof is not empty");
            }

            return Same(root1, root2)
                ? ProofResult.Valid
                : ProofResult.Invalid($"two different roots for the same tree size {size1}");
        }

        if (proof.Count == 0)
        {
            return ProofResult.Invalid($"the proof from size {size1} to {size2} is empty");
        }

        var badLength = CheckLengths(proof);
        if (badLength is not null)
        {
            return ProofResult.Invalid(badLength);
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((size1 & (size1 - 1)) == 0)
        {
            path.Add(root1.ToArray());
        }

        path.AddRange(proof);
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return ProofResult.Invalid($"the proof has {proof.Count} hashes, more than a proof from size {size1} to {size2} needs");
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            return ProofResult.Invalid($"the proof has {proof.Count} hashes, fewer than a proof from size {size1} to {size2} needs");
        }

        if (!Same(fr, root1))
        {
            return ProofResult.Invalid($"the proof does not lead to the first root (size {size1})");
        }

        return Same(sr, root2)
            ? ProofResult.Valid
            : ProofResult.Invalid($"the proof does not lead to the second root (size {size2})");
    }

    private static string? CheckLengths(IReadOnlyList<byte[]> proof)
    {
        for (var i = 0; i < proof.Count; i++)
        {
            if (proof[i] is null || proof[i].Length != MerkleHash.Size)
            {
                return $"proof hash {i} is {proof[i]?.Length ?? 0} bytes, not {MerkleHash.Size}";
            }
        }

        return null;
    }

    private static bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}
