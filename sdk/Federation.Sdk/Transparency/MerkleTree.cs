using System.Numerics;

namespace Federation.Sdk.Transparency;

/// <summary>
/// A Merkle tree over leaf hashes, computing roots, inclusion proofs and consistency proofs for any tree size with
/// the algorithms of RFC 9162 section 2.1 (MTH, PATH and SUBPROOF). Each call is linear in the tree size: the log
/// holds one leaf per accepted release, so the tree stays small.
/// </summary>
public sealed class MerkleTree
{
    private readonly IReadOnlyList<byte[]> _leafHashes;

    public MerkleTree(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        _leafHashes = leafHashes;
    }

    /// <summary>Number of leaves.</summary>
    public long Size => _leafHashes.Count;

    /// <summary>The root hash of the first <paramref name="treeSize"/> leaves.</summary>
    public byte[] RootHash(long treeSize)
    {
        CheckSize(treeSize);
        return Hash(0, (int)treeSize);
    }

    /// <summary>The audit path of leaf <paramref name="leafIndex"/> in the tree of the first <paramref name="treeSize"/> leaves, leaf to root.</summary>
    public IReadOnlyList<byte[]> InclusionProof(long leafIndex, long treeSize)
    {
        CheckSize(treeSize);
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), $"Leaf {leafIndex} is not in a tree of size {treeSize}.");
        }

        var proof = new List<byte[]>();
        Path((int)leafIndex, 0, (int)treeSize, proof);
        return proof;
    }

    /// <summary>The consistency proof between the trees of the first <paramref name="size1"/> and <paramref name="size2"/> leaves.</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2)
    {
        CheckSize(size2);
        if (size1 < 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"Size {size1} is not between 0 and {size2}.");
        }

        var proof = new List<byte[]>();
        if (size1 > 0 && size1 < size2)
        {
            Subproof((int)size1, 0, (int)size2, true, proof);
        }

        return proof;
    }

    private void CheckSize(long treeSize)
    {
        if (treeSize < 0 || treeSize > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), $"Tree size {treeSize} is not between 0 and {Size}.");
        }
    }

    private byte[] Hash(int start, int end)
    {
        var n = end - start;
        if (n == 0)
        {
            return MerkleHash.EmptyRoot();
        }

        if (n == 1)
        {
            return _leafHashes[start];
        }

        var k = SplitPoint(n);
        return MerkleHash.Node(Hash(start, start + k), Hash(start + k, end));
    }

    // PATH(m, D[start:end]) of RFC 9162 2.1.3.1, appended leaf to root.
    private void Path(int m, int start, int end, List<byte[]> proof)
    {
        var n = end - start;
        if (n <= 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            Path(m, start, start + k, proof);
            proof.Add(Hash(start + k, end));
        }
        else
        {
            Path(m - k, start + k, end, proof);
            proof.Add(Hash(start, start + k));
        }
    }

    // SUBPROOF(m, D[start:end], b) of RFC 9162 2.1.4.1.
    private void Subproof(int m, int start, int end, bool complete, List<byte[]> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(Hash(start, end));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            Subproof(m, start, start + k, complete, proof);
            proof.Add(Hash(start + k, end));
        }
        else
        {
            Subproof(m - k, start + k, end, false, proof);
            proof.Add(Hash(start, start + k));
        }
    }

    // The largest power of two smaller than n (n >= 2).
    private static int SplitPoint(int n) => 1 << (31 - BitOperations.LeadingZeroCount((uint)(n - 1)));
}
