using System.Numerics;

namespace Federation.Sdk.Transparency;

/// <summary>
/// A complete subtree of the log: the <c>2^Level</c> leaves starting at leaf <c>Index * 2^Level</c>. Level 0 is one
/// leaf (its hash is the leaf hash). Once complete, a subtree's hash never changes, so a log can store it.
/// </summary>
public readonly record struct MerkleSubtree(int Level, long Index)
{
    /// <summary>The first leaf the subtree covers.</summary>
    public long Start => Index << Level;

    /// <summary>The leaf after the last one it covers.</summary>
    public long End => (Index + 1) << Level;
}

/// <summary>
/// Roots, inclusion proofs and consistency proofs (RFC 9162 section 2.1) computed from the hashes of complete
/// subtrees instead of every leaf hash. Each range hash RFC 9162 asks for is either a complete subtree or a suffix of
/// the tree, which is the fold of at most 64 complete subtrees (the binary decomposition of its size), so any
/// answer needs O(log n) stored hashes. Callers first ask which subtrees they need (<c>For...</c>), read them in one
/// go, then compute. Equal to <see cref="MerkleTree"/> for every size and index.
/// </summary>
public static class CompleteSubtrees
{
    /// <summary>The complete subtrees whose hashes make up leaves [start, end), left to right (largest first).</summary>
    public static IReadOnlyList<MerkleSubtree> Decompose(long start, long end)
    {
        if (start < 0 || end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"[{start}, {end}) is not a range of leaves.");
        }

        var subtrees = new List<MerkleSubtree>();
        while (start < end)
        {
            // The largest aligned power of two that starts at 'start' and fits before 'end'.
            var level = start == 0 ? 62 : BitOperations.TrailingZeroCount(start);
            while ((1L << level) > end - start)
            {
                level--;
            }

            subtrees.Add(new MerkleSubtree(level, start >> level));
            start += 1L << level;
        }

        return subtrees;
    }

    /// <summary>The subtrees needed for the root of a tree of <paramref name="treeSize"/> leaves (the tree's frontier).</summary>
    public static IReadOnlyList<MerkleSubtree> ForRoot(long treeSize) => Decompose(0, treeSize);

    /// <summary>The subtrees needed for the inclusion proof of a leaf in a tree.</summary>
    public static IReadOnlyList<MerkleSubtree> ForInclusion(long leafIndex, long treeSize) =>
        InclusionRanges(leafIndex, treeSize).SelectMany(r => Decompose(r.Start, r.End)).Distinct().ToArray();

    /// <summary>The subtrees needed for the consistency proof between two tree sizes.</summary>
    public static IReadOnlyList<MerkleSubtree> ForConsistency(long size1, long size2) =>
        ConsistencyRanges(size1, size2).SelectMany(r => Decompose(r.Start, r.End)).Distinct().ToArray();

    /// <summary>
    /// The subtrees that become complete when leaf <paramref name="leafIndex"/> is appended, with their hashes, smallest
    /// first (the leaf itself, then each parent it completes). <paramref name="stored"/> must hold
    /// <see cref="ForRoot"/>(<paramref name="leafIndex"/>): the left siblings.
    /// </summary>
    public static IReadOnlyList<(MerkleSubtree Subtree, byte[] Hash)> Append(long leafIndex, byte[] leafHash, IReadOnlyDictionary<MerkleSubtree, byte[]> stored)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentNullException.ThrowIfNull(leafHash);
        ArgumentNullException.ThrowIfNull(stored);
        var completed = new List<(MerkleSubtree, byte[])> { (new MerkleSubtree(0, leafIndex), leafHash) };
        var hash = leafHash;
        var index = leafIndex;
        for (var level = 1; (index & 1) == 1; level++)
        {
            hash = MerkleHash.Node(Lookup(stored, new MerkleSubtree(level - 1, index - 1)), hash);
            index >>= 1;
            completed.Add((new MerkleSubtree(level, index), hash));
        }

        return completed;
    }

    /// <summary>The root of a tree of <paramref name="treeSize"/> leaves; <paramref name="stored"/> holds <see cref="ForRoot"/>.</summary>
    public static byte[] RootHash(long treeSize, IReadOnlyDictionary<MerkleSubtree, byte[]> stored) =>
        RangeHash(new LeafRange(0, treeSize), stored);

    /// <summary>The audit path of a leaf, leaf to root; <paramref name="stored"/> holds <see cref="ForInclusion"/>.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(long leafIndex, long treeSize, IReadOnlyDictionary<MerkleSubtree, byte[]> stored) =>
        InclusionRanges(leafIndex, treeSize).Select(r => RangeHash(r, stored)).ToArray();

    /// <summary>The consistency proof between two sizes; <paramref name="stored"/> holds <see cref="ForConsistency"/>.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2, IReadOnlyDictionary<MerkleSubtree, byte[]> stored) =>
        ConsistencyRanges(size1, size2).Select(r => RangeHash(r, stored)).ToArray();

    // MTH(D[start:end]): the right fold of its decomposition (RFC 9162 splits at the largest power of two below the size,
    // which is exactly the first subtree of the decomposition when the range is not itself complete).
    private static byte[] RangeHash(LeafRange range, IReadOnlyDictionary<MerkleSubtree, byte[]> stored)
    {
        var parts = Decompose(range.Start, range.End);
        if (parts.Count == 0)
        {
            return MerkleHash.EmptyRoot();
        }

        var hash = Lookup(stored, parts[^1]);
        for (var i = parts.Count - 2; i >= 0; i--)
        {
            hash = MerkleHash.Node(Lookup(stored, parts[i]), hash);
        }

        return hash;
    }

    private static byte[] Lookup(IReadOnlyDictionary<MerkleSubtree, byte[]> stored, MerkleSubtree subtree) =>
        stored.TryGetValue(subtree, out var hash)
            ? hash
            : throw new InvalidOperationException($"The hash of subtree (level {subtree.Level}, index {subtree.Index}) was not read from the log.");

    // The ranges whose hashes form PATH(m, D[0:n]) of RFC 9162 2.1.3.1, leaf to root.
    private static List<LeafRange> InclusionRanges(long leafIndex, long treeSize)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), $"Leaf {leafIndex} is not in a tree of size {treeSize}.");
        }

        var ranges = new List<LeafRange>();
        Path(leafIndex, 0, treeSize, ranges);
        return ranges;
    }

    private static void Path(long m, long start, long end, List<LeafRange> ranges)
    {
        var n = end - start;
        if (n <= 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            Path(m, start, start + k, ranges);
            ranges.Add(new LeafRange(start + k, end));
        }
        else
        {
            Path(m - k, start + k, end, ranges);
            ranges.Add(new LeafRange(start, start + k));
        }
    }

    // The ranges whose hashes form the consistency proof of RFC 9162 2.1.4.1 (SUBPROOF).
    private static List<LeafRange> ConsistencyRanges(long size1, long size2)
    {
        if (size1 < 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"Size {size1} is not between 0 and {size2}.");
        }

        var ranges = new List<LeafRange>();
        if (size1 > 0 && size1 < size2)
        {
            Subproof(size1, 0, size2, true, ranges);
        }

        return ranges;
    }

    private static void Subproof(long m, long start, long end, bool complete, List<LeafRange> ranges)
    {
        var n = end - start;
        if (m == n)
        {
            if (!complete)
            {
                ranges.Add(new LeafRange(start, end));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            Subproof(m, start, start + k, complete, ranges);
            ranges.Add(new LeafRange(start + k, end));
        }
        else
        {
            Subproof(m - k, start + k, end, false, ranges);
            ranges.Add(new LeafRange(start, start + k));
        }
    }

    // The largest power of two smaller than n (n >= 2).
    private static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    private readonly record struct LeafRange(long Start, long End);
}
