using Courier.Mls.TreeMath;

namespace Courier.Mls.TreeSync;

/// <summary>The ratchet tree's hashes: tree hashes (RFC 9420 §7.8) and parent hashes (§7.9).</summary>
internal sealed partial class RatchetTree
{
    /// <summary>RFC 9420 §7.8: the tree hash of the root.</summary>
    public byte[] TreeHash() => TreeHash(Root);

    /// <summary>RFC 9420 §7.8: the tree hash of the subtree headed by <paramref name="nodeIndex"/>.</summary>
    public byte[] TreeHash(uint nodeIndex)
    {
        CheckNode(nodeIndex);
        return (byte[])HashOf(nodeIndex).Clone();
    }

    /// <summary>RFC 9420 §12.4.3.1: the root tree hash must equal the one the group agreed on.</summary>
    /// <exception cref="MessageRejectedException"><see cref="MlsCheck.TreeHash"/>.</exception>
    public void VerifyTreeHash(ReadOnlySpan<byte> expected)
    {
        if (!HashOf(Root).AsSpan().SequenceEqual(expected))
        {
            throw new MessageRejectedException(MlsCheck.TreeHash, "the ratchet tree does not match the group's tree_hash");
        }
    }

    /// <summary>
    /// RFC 9420 §7.9.2, top down: every non-blank parent node P must have exactly one descendant D
    /// for which it is parent-hash valid: D in the resolution of a child C of P, D's parent_hash equal
    /// to the parent hash of P with copath child S (the other child), and P's unmerged leaves under C
    /// equal to the resolution of C without D. Since D is a leaf or itself such a parent, every
    /// non-blank parent chains down to a leaf.
    /// </summary>
    /// <exception cref="MessageRejectedException"><see cref="MlsCheck.ParentHash"/>.</exception>
    public void VerifyParentHashes()
    {
        for (var p = 1u; p < NodeCount; p += 2)
        {
            if (_nodes[p]?.ParentNode is not { } parent)
            {
                continue;
            }

            var valid = 0;
            foreach (var (c, s) in new[] { (ArrayTree.Left(p, LeafCount), ArrayTree.Right(p, LeafCount)), (ArrayTree.Right(p, LeafCount), ArrayTree.Left(p, LeafCount)) })
            {
                var resolution = Resolution(c);
                if (resolution.Count == 0)
                {
                    continue;
                }

                var expected = ParentHash(parent.EncryptionKey, parent.ParentHash, OriginalSiblingTreeHash(s, parent.UnmergedLeaves));
                var (first, count) = LeafRange(c);
                var unmergedUnderC = parent.UnmergedLeaves.Where(l => l >= first && l - first < count).Select(l => 2 * l).Order().ToList();
                foreach (var d in resolution)
                {
                    var node = _nodes[d]!;
                    var parentHash = node.LeafNode is { } leaf ? leaf.ParentHash : node.ParentNode!.ParentHash;
                    if (parentHash is not null
                        && parentHash.AsSpan().SequenceEqual(expected)
                        && resolution.Where(x => x != d).Order().SequenceEqual(unmergedUnderC))
                    {
                        valid++;
                    }
                }
            }

            if (valid != 1)
            {
                throw new MessageRejectedException(MlsCheck.ParentHash, valid == 0
                    ? $"parent node {p} is not parent-hash valid"
                    : $"parent node {p} is parent-hash valid for {valid} descendants");
            }
        }
    }

    /// <summary>
    /// RFC 9420 §7.9: the parent hash of a parent with these fields, <c>Hash(ParentHashInput)</c>.
    /// </summary>
    internal byte[] ParentHash(byte[] encryptionKey, byte[] parentHash, byte[] originalSiblingTreeHash)
    {
        // struct { HPKEPublicKey encryption_key; opaque parent_hash<V>; opaque original_sibling_tree_hash<V>; } ParentHashInput;
        var input = new TlsWriter(128);
        input.WriteOpaque(encryptionKey);
        input.WriteOpaque(parentHash);
        input.WriteOpaque(originalSiblingTreeHash);
        return Suite.Hash(input.Written);
    }

    /// <summary>
    /// RFC 9420 §7.9: the tree hash of <paramref name="sibling"/> in the tree where every leaf of
    /// <paramref name="unmergedLeaves"/> is blank and removed from every unmerged_leaves list.
    /// Subtrees holding none of those leaves keep their cached hash.
    /// </summary>
    internal byte[] OriginalSiblingTreeHash(uint sibling, IReadOnlyList<uint> unmergedLeaves)
    {
        CheckNode(sibling);
        return HashExcluding(sibling, unmergedLeaves);
    }

    /// <summary>
    /// RFC 9420 §7.9, §7.5 step 3: the parent hashes of a path being set on <paramref name="leafIndex"/>'s
    /// filtered direct path <paramref name="path"/> with public keys <paramref name="keys"/> and no
    /// unmerged leaves, computed from the root down: the parent_hash field of each path node and of the
    /// leaf. The copath children are not on the path, so their hashes are those of this tree.
    /// </summary>
    internal (byte[][] NodeParentHashes, byte[] LeafParentHash) PathParentHashes(uint leafIndex, IReadOnlyList<uint> path, IReadOnlyList<byte[]> keys)
    {
        if (path.Count != keys.Count)
        {
            throw new ArgumentException("One key per path node is needed.", nameof(keys));
        }

        var leafNode = 2 * leafIndex;
        var nodeParentHashes = new byte[path.Count][];
        byte[] above = [];
        for (var i = path.Count - 1; i >= 0; i--)
        {
            nodeParentHashes[i] = above;
            above = ParentHash(keys[i], above, HashOf(CopathChild(path[i], leafNode)));
        }

        return (nodeParentHashes, above);
    }

    private byte[] HashOf(uint x)
    {
        if (_hashes[x] is { } cached)
        {
            return cached;
        }

        var hash = ArrayTree.IsLeaf(x)
            ? LeafHash(x / 2, _nodes[x]?.LeafNode)
            : ParentTreeHash(_nodes[x]?.ParentNode, HashOf(ArrayTree.Left(x, LeafCount)), HashOf(ArrayTree.Right(x, LeafCount)));
        _hashes[x] = hash;
        return hash;
    }

    private byte[] HashExcluding(uint x, IReadOnlyList<uint> excludedLeaves)
    {
        var (first, count) = LeafRange(x);
        if (!excludedLeaves.Any(l => l >= first && l - first < count))
        {
            return HashOf(x);
        }

        if (ArrayTree.IsLeaf(x))
        {
            return LeafHash(x / 2, null);
        }

        var parent = _nodes[x]?.ParentNode;
        if (parent is not null)
        {
            parent = parent with { UnmergedLeaves = [.. parent.UnmergedLeaves.Where(l => !excludedLeaves.Contains(l))] };
        }

        return ParentTreeHash(parent, HashExcluding(ArrayTree.Left(x, LeafCount), excludedLeaves), HashExcluding(ArrayTree.Right(x, LeafCount), excludedLeaves));
    }

    private byte[] LeafHash(uint leafIndex, LeafNode? leaf)
    {
        // TreeHashInput { node_type = leaf; LeafNodeHashInput { uint32 leaf_index; optional<LeafNode> leaf_node; } }
        var input = new TlsWriter(512);
        input.WriteUInt8(LeafNodeType);
        input.WriteUInt32(leafIndex);
        input.WriteOptional(leaf);
        return Suite.Hash(input.Written);
    }

    private byte[] ParentTreeHash(ParentNode? parent, byte[] leftHash, byte[] rightHash)
    {
        // TreeHashInput { node_type = parent; ParentNodeHashInput { optional<ParentNode> parent_node; opaque left_hash<V>; opaque right_hash<V>; } }
        var input = new TlsWriter(256);
        input.WriteUInt8(ParentNodeType);
        input.WriteOptional(parent);
        input.WriteOpaque(leftHash);
        input.WriteOpaque(rightHash);
        return Suite.Hash(input.Written);
    }
}
