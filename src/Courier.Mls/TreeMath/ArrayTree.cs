using System.Numerics;

namespace Courier.Mls.TreeMath;

/// <summary>
/// Index arithmetic of the array representation of a ratchet tree (RFC 9420 §4.2, §7.1 and
/// Appendix C). Leaves sit at even node indices (leaf <c>i</c> at node <c>2i</c>), parents at odd
/// ones. RFC 9420 trees are always full (§7.7: adding to a full tree doubles it), so the number of
/// leaves must be a power of two; every method checks its arguments against that tree and
/// throws <see cref="ArgumentException"/> for a caller bug.
/// </summary>
internal static class ArrayTree
{
    /// <summary>The largest number of leaves: 2^31 leaves need 2^32 - 1 nodes, all a uint can index.</summary>
    public const uint MaxLeafCount = 1u << 31;

    /// <summary>Appendix C <c>level(x)</c>: 0 for leaves, one more than its children for a parent.</summary>
    public static uint Level(uint x) => (uint)BitOperations.TrailingZeroCount(~x);

    /// <summary>True for a leaf (even) node index.</summary>
    public static bool IsLeaf(uint x) => (x & 1) == 0;

    /// <summary>Appendix C <c>node_width(n)</c>: the number of nodes of a tree with <paramref name="leafCount"/> leaves.</summary>
    public static uint NodeWidth(uint leafCount)
    {
        CheckLeafCount(leafCount);
        return (2 * (leafCount - 1)) + 1;
    }

    /// <summary>Appendix C <c>root(n)</c>: <c>(1 &lt;&lt; log2(node_width(n))) - 1</c>, which is <c>n - 1</c> for a full tree.</summary>
    public static uint Root(uint leafCount)
    {
        CheckLeafCount(leafCount);
        return leafCount - 1;
    }

    /// <summary>Appendix C <c>left(x)</c>: the left child of parent node <paramref name="x"/>.</summary>
    public static uint Left(uint x, uint leafCount)
    {
        var k = ParentLevel(x, leafCount);
        return x ^ (1u << (int)(k - 1));
    }

    /// <summary>Appendix C <c>right(x)</c>: the right child of parent node <paramref name="x"/>.</summary>
    public static uint Right(uint x, uint leafCount)
    {
        var k = ParentLevel(x, leafCount);
        return x ^ (3u << (int)(k - 1));
    }

    /// <summary>Appendix C <c>parent(x, n)</c>: the parent of any node but the root.</summary>
    public static uint Parent(uint x, uint leafCount)
    {
        CheckNode(x, leafCount);
        if (x == Root(leafCount))
        {
            throw new ArgumentException("The root node has no parent.", nameof(x));
        }

        var k = (int)Level(x);
        var b = (x >> (k + 1)) & 1;
        return (x | (1u << k)) ^ (b << (k + 1));
    }

    /// <summary>Appendix C <c>sibling(x, n)</c>: the other child of the parent of <paramref name="x"/>.</summary>
    public static uint Sibling(uint x, uint leafCount)
    {
        var p = Parent(x, leafCount);
        return x < p ? Right(p, leafCount) : Left(p, leafCount);
    }

    /// <summary>§4.2 direct path: the parent, its parent, and so on up to the root (empty for the root).</summary>
    public static uint[] DirectPath(uint x, uint leafCount)
    {
        CheckNode(x, leafCount);
        var root = Root(leafCount);
        var path = new List<uint>();
        while (x != root)
        {
            x = Parent(x, leafCount);
            path.Add(x);
        }

        return [.. path];
    }

    /// <summary>§4.2 copath: the sibling of <paramref name="x"/> and of each node of its direct path but the root.</summary>
    public static uint[] Copath(uint x, uint leafCount)
    {
        var path = DirectPath(x, leafCount);
        var copath = new uint[path.Length];
        for (var i = 0; i < path.Length; i++)
        {
            copath[i] = Sibling(i == 0 ? x : path[i - 1], leafCount);
        }

        return copath;
    }

    /// <summary>
    /// Appendix C <c>common_ancestor_direct</c>: the lowest node that is <paramref name="x"/> or on its
    /// direct path and also <paramref name="y"/> or on its direct path.
    /// </summary>
    public static uint CommonAncestor(uint x, uint y, uint leafCount)
    {
        CheckNode(x, leafCount);
        CheckNode(y, leafCount);

        // One node is an ancestor of (or equal to) the other.
        int lx = (int)Level(x) + 1, ly = (int)Level(y) + 1;
        if (lx <= ly && x >> ly == y >> ly)
        {
            return y;
        }

        if (ly <= lx && x >> lx == y >> lx)
        {
            return x;
        }

        // Otherwise the ancestor's index is the longest common prefix, followed by 0 then 1s.
        uint xn = x, yn = y;
        var k = 0;
        while (xn != yn)
        {
            xn >>= 1;
            yn >>= 1;
            k++;
        }

        return (xn << k) | ((1u << (k - 1)) - 1);
    }

    /// <summary>§7.1: the node index of leaf <paramref name="leafIndex"/>.</summary>
    public static uint LeafToNode(uint leafIndex, uint leafCount)
    {
        CheckLeafCount(leafCount);
        if (leafIndex >= leafCount)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, $"The tree has {leafCount} leaves.");
        }

        return 2 * leafIndex;
    }

    /// <summary>§7.1: the leaf index of leaf node <paramref name="nodeIndex"/>.</summary>
    public static uint NodeToLeaf(uint nodeIndex, uint leafCount)
    {
        CheckNode(nodeIndex, leafCount);
        if (!IsLeaf(nodeIndex))
        {
            throw new ArgumentException("The node is a parent node, not a leaf.", nameof(nodeIndex));
        }

        return nodeIndex / 2;
    }

    /// <summary>True when <paramref name="leafCount"/> is the size of a full tree (a power of two from 1 to 2^31).</summary>
    public static bool IsValidLeafCount(uint leafCount) => BitOperations.IsPow2(leafCount);

    private static void CheckLeafCount(uint leafCount)
    {
        if (!IsValidLeafCount(leafCount))
        {
            throw new ArgumentOutOfRangeException(nameof(leafCount), leafCount, "The number of leaves must be a power of two (RFC 9420 §7.7).");
        }
    }

    private static void CheckNode(uint x, uint leafCount)
    {
        if (x >= NodeWidth(leafCount))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, $"The tree with {leafCount} leaves has {NodeWidth(leafCount)} nodes.");
        }
    }

    private static uint ParentLevel(uint x, uint leafCount)
    {
        CheckNode(x, leafCount);
        var k = Level(x);
        if (k == 0)
        {
            throw new ArgumentException("A leaf node has no children.", nameof(x));
        }

        return k;
    }
}
