using System.Numerics;
using Courier.Mls.Hpke;
using Courier.Mls.TreeMath;

namespace Courier.Mls.TreeSync;

/// <summary>
/// The public state of a group's ratchet tree (RFC 9420 §4, §7): a full binary tree in array form
/// (§4.2, Appendix C), leaves at even node indices, parents at odd ones, null for a blank node.
/// Mutable; callers stage changes on a <see cref="Clone"/> and keep it only once a commit is
/// accepted. Tree hashes are cached per node and invalidated along the path of each change, so
/// even reads mutate the cache: an instance is not safe for concurrent use.
/// </summary>
internal sealed partial class RatchetTree
{
    private const byte LeafNodeType = (byte)NodeType.Leaf;
    private const byte ParentNodeType = (byte)NodeType.Parent;

    private Node?[] _nodes;

    // _hashes[x] is the tree hash of node x (§7.8), or null when not yet computed or invalidated.
    private byte[]?[] _hashes;

    private RatchetTree(CipherSuite suite, Node?[] nodes, byte[]?[] hashes)
    {
        Suite = suite;
        _nodes = nodes;
        _hashes = hashes;
    }

    public CipherSuite Suite { get; }

    /// <summary>The width of the tree in leaves, a power of two (§7.7); blank leaves included.</summary>
    public uint LeafCount => ((uint)_nodes.Length + 1) / 2;

    /// <summary>The number of nodes, <c>2 * LeafCount - 1</c>.</summary>
    public uint NodeCount => (uint)_nodes.Length;

    /// <summary>The node index of the root.</summary>
    public uint Root => ArrayTree.Root(LeafCount);

    /// <summary>The non-blank leaves, by increasing leaf index.</summary>
    public IEnumerable<(uint LeafIndex, LeafNode Leaf)> Leaves
    {
        get
        {
            for (var i = 0u; i < LeafCount; i++)
            {
                if (_nodes[2 * i]?.LeafNode is { } leaf)
                {
                    yield return (i, leaf);
                }
            }
        }
    }

    /// <summary>RFC 9420 §11: the tree of a new group, whose creator is leaf 0.</summary>
    public static RatchetTree Create(CipherSuite suite, LeafNode creator)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(creator);
        return new RatchetTree(suite, [new Node(creator)], new byte[]?[1]);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.3: the tree in the form of the ratchet_tree extension, padded on the right
    /// with the fewest blanks that make a full tree. Checks the structure: a non-blank last node, leaf
    /// nodes exactly at even indices (§4.2), every HPKE key Npk bytes and used once in the tree, and
    /// unmerged_leaves strictly increasing, naming non-blank leaves below the parent, each also listed
    /// by every non-blank node between the leaf and the parent (§7.1, §12.4.3.1). Tree hashes, parent
    /// hashes and leaf validity are separate checks (<see cref="VerifyTreeHash"/>,
    /// <see cref="VerifyParentHashes"/>, <see cref="LeafNodeValidation"/>).
    /// </summary>
    /// <exception cref="MessageRejectedException">
    /// <see cref="MlsCheck.TreeStructure"/>, <see cref="MlsCheck.UnmergedLeaves"/>,
    /// <see cref="MlsCheck.HpkePublicKey"/> or <see cref="MlsCheck.DuplicateEncryptionKey"/>.
    /// </exception>
    public static RatchetTree FromNodes(CipherSuite suite, IReadOnlyList<Node?> nodes)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            throw new MessageRejectedException(MlsCheck.TreeStructure, "the ratchet tree has no node");
        }

        if (nodes[^1] is null)
        {
            throw new MessageRejectedException(MlsCheck.TreeStructure, "the last node of the ratchet tree is blank");
        }

        if ((ulong)nodes.Count > ArrayTree.NodeWidth(ArrayTree.MaxLeafCount))
        {
            throw new MessageRejectedException(MlsCheck.TreeStructure, "the ratchet tree has too many nodes");
        }

        // The fewest leaves whose full tree holds every given node.
        var leafCount = BitOperations.RoundUpToPowerOf2(((uint)nodes.Count + 2) / 2);
        var array = new Node?[ArrayTree.NodeWidth(leafCount)];
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node is not null && (node.NodeType == NodeType.Leaf) != ArrayTree.IsLeaf((uint)i))
            {
                throw new MessageRejectedException(MlsCheck.TreeStructure, $"node {i} is a {node.NodeType} node at a {(ArrayTree.IsLeaf((uint)i) ? "leaf" : "parent")} position");
            }

            array[i] = node;
        }

        var tree = new RatchetTree(suite, array, new byte[]?[array.Length]);
        tree.CheckUnmergedLeaves();
        tree.CheckEncryptionKeys();
        return tree;
    }

    /// <summary>Decodes <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c> (the ratchet_tree extension data) and checks it as <see cref="FromNodes"/>.</summary>
    /// <exception cref="DecodeException">The bytes are not a ratchet_tree vector.</exception>
    public static RatchetTree Decode(CipherSuite suite, ReadOnlySpan<byte> ratchetTree)
        => FromNodes(suite, TlsReader.Decode(ratchetTree, "ratchet_tree", Node.DecodeRatchetTree));

    /// <summary>RFC 9420 §12.4.3.3: the nodes for the ratchet_tree extension, trailing blanks removed.</summary>
    public List<Node?> ToNodes()
    {
        var last = _nodes.Length - 1;
        while (last > 0 && _nodes[last] is null)
        {
            last--;
        }

        return [.. _nodes.AsSpan(0, last + 1)];
    }

    /// <summary>The encoded <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c> of <see cref="ToNodes"/>.</summary>
    public byte[] ToBytes()
    {
        var writer = new TlsWriter();
        Node.EncodeRatchetTree(writer, ToNodes());
        return writer.ToArray();
    }

    /// <summary>The node at <paramref name="nodeIndex"/>, null when blank.</summary>
    public Node? GetNode(uint nodeIndex)
    {
        CheckNode(nodeIndex);
        return _nodes[nodeIndex];
    }

    /// <summary>True when the node is blank.</summary>
    public bool IsBlank(uint nodeIndex) => GetNode(nodeIndex) is null;

    /// <summary>The leaf at <paramref name="leafIndex"/>; null when blank or beyond the tree (leaf indices come from the network).</summary>
    public LeafNode? GetLeaf(uint leafIndex) => leafIndex < LeafCount ? _nodes[2 * leafIndex]?.LeafNode : null;

    /// <summary>The parent node at <paramref name="nodeIndex"/> (an odd index), null when blank.</summary>
    public ParentNode? GetParent(uint nodeIndex)
    {
        CheckNode(nodeIndex);
        if (ArrayTree.IsLeaf(nodeIndex))
        {
            throw new ArgumentException("The node index is a leaf position.", nameof(nodeIndex));
        }

        return _nodes[nodeIndex]?.ParentNode;
    }

    /// <summary>The HPKE public key of a node (leaf or parent), null when blank.</summary>
    public byte[]? EncryptionKey(uint nodeIndex)
    {
        var node = GetNode(nodeIndex);
        return node?.LeafNode?.EncryptionKey ?? node?.ParentNode?.EncryptionKey;
    }

    /// <summary>
    /// RFC 9420 §12.1.1, §7.7: puts <paramref name="leaf"/> at the leftmost blank leaf, extending the
    /// tree when there is none, and adds it to the unmerged_leaves of every non-blank parent on its
    /// direct path. Validating the leaf is the caller's (<see cref="LeafNodeValidation"/>).
    /// </summary>
    /// <returns>The new leaf's index.</returns>
    public uint AddLeaf(LeafNode leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var leafIndex = ReserveBlankLeaf();
        var leafNode = 2 * leafIndex;
        foreach (var x in ArrayTree.DirectPath(leafNode, LeafCount))
        {
            if (_nodes[x]?.ParentNode is { } parent)
            {
                var unmerged = new List<uint>(parent.UnmergedLeaves);
                var at = unmerged.BinarySearch(leafIndex);
                unmerged.Insert(at < 0 ? ~at : at, leafIndex);
                _nodes[x] = new Node(parent with { UnmergedLeaves = unmerged });
            }
        }

        SetNode(leafNode, new Node(leaf));
        return leafIndex;
    }

    /// <summary>
    /// The leftmost blank leaf, extending the tree to the right (§7.7) when every leaf is taken. This
    /// is where an external joiner's leaf goes (§12.4.2): merging its UpdatePath fills it.
    /// </summary>
    public uint ReserveBlankLeaf()
    {
        for (var i = 0u; i < LeafCount; i++)
        {
            if (_nodes[2 * i] is null)
            {
                return i;
            }
        }

        var oldCount = LeafCount;
        if (oldCount == ArrayTree.MaxLeafCount)
        {
            throw new InvalidOperationException("The ratchet tree cannot grow beyond 2^31 leaves.");
        }

        // The old tree becomes the left subtree of a new blank root; its node indices do not change.
        Resize(2 * oldCount);
        return oldCount;
    }

    /// <summary>
    /// RFC 9420 §12.1.3, §7.7: blanks the leaf and its direct path, then truncates the tree while its
    /// right half has no non-blank leaf.
    /// </summary>
    public void RemoveLeaf(uint leafIndex)
    {
        CheckMember(leafIndex);
        SetNode(2 * leafIndex, null);
        BlankDirectPath(leafIndex);

        var last = LeafCount - 1;
        while (last > 0 && _nodes[2 * last] is null)
        {
            last--;
        }

        var newCount = BitOperations.RoundUpToPowerOf2(last + 1);
        if (newCount < LeafCount)
        {
            Resize(newCount);
        }
    }

    /// <summary>RFC 9420 §12.1.2: replaces the member's leaf and blanks its direct path. Validation is the caller's.</summary>
    public void UpdateLeaf(uint leafIndex, LeafNode leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        CheckMember(leafIndex);
        SetNode(2 * leafIndex, new Node(leaf));
        BlankDirectPath(leafIndex);
    }

    /// <summary>
    /// RFC 9420 §4.1.1: the resolution of a node, node indices in depth-first left-first order; a
    /// non-blank node resolves to itself followed by its unmerged leaves.
    /// </summary>
    public IReadOnlyList<uint> Resolution(uint nodeIndex) => ResolutionList(nodeIndex);

    /// <summary>
    /// RFC 9420 §7.6, §12.4.2: the resolution without the leaves in <paramref name="excludedLeaves"/>
    /// (members added by the commit being built or processed).
    /// </summary>
    public IReadOnlyList<uint> Resolution(uint nodeIndex, IReadOnlySet<uint> excludedLeaves)
    {
        ArgumentNullException.ThrowIfNull(excludedLeaves);
        var result = ResolutionList(nodeIndex);
        if (excludedLeaves.Count > 0)
        {
            result.RemoveAll(x => ArrayTree.IsLeaf(x) && excludedLeaves.Contains(x / 2));
        }

        return result;
    }

    /// <summary>
    /// RFC 9420 §4.1.2: the leaf's direct path without the nodes whose copath child has an empty
    /// resolution, from the leaf towards the root.
    /// </summary>
    public uint[] FilteredDirectPath(uint leafIndex)
    {
        CheckLeafIndex(leafIndex);
        var leafNode = 2 * leafIndex;
        var path = new List<uint>();
        foreach (var x in ArrayTree.DirectPath(leafNode, LeafCount))
        {
            if (HasNonBlankNode(CopathChild(x, leafNode)))
            {
                path.Add(x);
            }
        }

        return [.. path];
    }

    /// <summary>The child of parent <paramref name="parent"/> that is not an ancestor of (or equal to) node <paramref name="descendant"/>.</summary>
    public uint CopathChild(uint parent, uint descendant)
    {
        var left = ArrayTree.Left(parent, LeafCount);
        var right = ArrayTree.Right(parent, LeafCount);
        return descendant < parent ? right : left;
    }

    /// <summary>A copy whose changes do not affect this tree (nodes are immutable and shared).</summary>
    public RatchetTree Clone() => new(Suite, (Node?[])_nodes.Clone(), (byte[]?[])_hashes.Clone());

    /// <summary>RFC 9420 §7.4 step 1, §12.1.2, §12.1.3: blanks every node on the leaf's direct path.</summary>
    internal void BlankDirectPath(uint leafIndex)
    {
        CheckLeafIndex(leafIndex);
        foreach (var x in ArrayTree.DirectPath(2 * leafIndex, LeafCount))
        {
            _nodes[x] = null;
            _hashes[x] = null;
        }
    }

    /// <summary>Sets (or blanks) one node and invalidates the cached hashes that cover it.</summary>
    internal void SetNode(uint nodeIndex, Node? node)
    {
        CheckNode(nodeIndex);
        if (node is not null && (node.NodeType == NodeType.Leaf) != ArrayTree.IsLeaf(nodeIndex))
        {
            throw new ArgumentException("A leaf node goes at an even index and a parent node at an odd one.", nameof(node));
        }

        _nodes[nodeIndex] = node;
        _hashes[nodeIndex] = null;
        if (nodeIndex != Root)
        {
            foreach (var x in ArrayTree.DirectPath(nodeIndex, LeafCount))
            {
                _hashes[x] = null;
            }
        }
    }

    /// <summary>The leaf range [First, First + Count) under node <paramref name="x"/>.</summary>
    internal static (uint First, uint Count) LeafRange(uint x)
    {
        var level = (int)ArrayTree.Level(x);
        var first = (uint)(((ulong)x >> (level + 1)) << level);
        return (first, 1u << level);
    }

    private void Resize(uint leafCount)
    {
        var width = ArrayTree.NodeWidth(leafCount);
        var nodes = new Node?[width];
        var hashes = new byte[]?[width];
        var keep = (int)Math.Min(width, NodeCount);
        Array.Copy(_nodes, nodes, keep);
        Array.Copy(_hashes, hashes, keep);
        _nodes = nodes;
        _hashes = hashes;
    }

    private List<uint> ResolutionList(uint nodeIndex)
    {
        CheckNode(nodeIndex);
        var result = new List<uint>();
        Resolve(nodeIndex, result);
        return result;
    }

    private void Resolve(uint x, List<uint> result)
    {
        var node = _nodes[x];
        if (node is not null)
        {
            result.Add(x);
            if (node.ParentNode is { } parent)
            {
                result.AddRange(parent.UnmergedLeaves.Select(l => 2 * l));
            }
        }
        else if (!ArrayTree.IsLeaf(x))
        {
            Resolve(ArrayTree.Left(x, LeafCount), result);
            Resolve(ArrayTree.Right(x, LeafCount), result);
        }
    }

    private bool HasNonBlankNode(uint x)
    {
        if (_nodes[x] is not null)
        {
            return true;
        }

        return !ArrayTree.IsLeaf(x) && (HasNonBlankNode(ArrayTree.Left(x, LeafCount)) || HasNonBlankNode(ArrayTree.Right(x, LeafCount)));
    }

    private void CheckUnmergedLeaves()
    {
        for (var p = 1u; p < NodeCount; p += 2)
        {
            if (_nodes[p]?.ParentNode is not { } parent)
            {
                continue;
            }

            var (first, count) = LeafRange(p);
            uint? previous = null;
            foreach (var leaf in parent.UnmergedLeaves)
            {
                if (previous is { } prev && leaf <= prev)
                {
                    throw new MessageRejectedException(MlsCheck.UnmergedLeaves, $"the unmerged_leaves of node {p} are not strictly increasing");
                }

                previous = leaf;
                if (leaf < first || leaf - first >= count)
                {
                    throw new MessageRejectedException(MlsCheck.UnmergedLeaves, $"unmerged leaf {leaf} is not below node {p}");
                }

                if (_nodes[2 * leaf] is null)
                {
                    throw new MessageRejectedException(MlsCheck.UnmergedLeaves, $"unmerged leaf {leaf} of node {p} is blank");
                }

                // Every non-blank node between the leaf and p also lists it.
                for (var x = ArrayTree.Parent(2 * leaf, LeafCount); x != p; x = ArrayTree.Parent(x, LeafCount))
                {
                    if (_nodes[x]?.ParentNode is { } between && !between.UnmergedLeaves.Contains(leaf))
                    {
                        throw new MessageRejectedException(MlsCheck.UnmergedLeaves, $"unmerged leaf {leaf} of node {p} is not unmerged at node {x}");
                    }
                }
            }
        }
    }

    private void CheckEncryptionKeys()
    {
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        for (var x = 0u; x < NodeCount; x++)
        {
            var node = _nodes[x];
            if (node is null)
            {
                continue;
            }

            var key = node.LeafNode?.EncryptionKey ?? node.ParentNode!.EncryptionKey;
            if (!Suite.Hpke.Kem.IsValidPublicKey(key))
            {
                throw new MessageRejectedException(MlsCheck.HpkePublicKey, $"the encryption key of node {x} ({key.Length} bytes) is not a public key of the ciphersuite's KEM");
            }

            if (!seen.Add(key))
            {
                throw new MessageRejectedException(MlsCheck.DuplicateEncryptionKey, $"the encryption key of node {x} appears in another node");
            }
        }
    }

    private void CheckNode(uint nodeIndex)
    {
        if (nodeIndex >= NodeCount)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeIndex), nodeIndex, $"The tree has {NodeCount} nodes.");
        }
    }

    private void CheckLeafIndex(uint leafIndex)
    {
        if (leafIndex >= LeafCount)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, $"The tree has {LeafCount} leaves.");
        }
    }

    private void CheckMember(uint leafIndex)
    {
        if (GetLeaf(leafIndex) is null)
        {
            throw new ArgumentException($"Leaf {leafIndex} is blank or outside the tree.", nameof(leafIndex));
        }
    }
}
