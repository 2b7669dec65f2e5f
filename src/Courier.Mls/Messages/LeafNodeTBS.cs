namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §7.2: what a LeafNode's signature covers, every field of <see cref="LeafNode"/> above
/// its signature plus, for sources update and commit, the group and leaf the node was made for.
/// <see cref="LeafNode"/>'s own signature is not part of this structure (decoding leaves it empty).
/// </summary>
internal sealed record LeafNodeTBS : ITlsEncodable
{
    public LeafNodeTBS(LeafNode leafNode, byte[]? groupId, uint? leafIndex)
    {
        ArgumentNullException.ThrowIfNull(leafNode);
        var inGroup = leafNode.LeafNodeSource != LeafNodeSource.KeyPackage;
        if ((groupId is not null) != inGroup || leafIndex.HasValue != inGroup)
        {
            throw new ArgumentException("group_id and leaf_index are signed exactly for leaf_node_source update and commit (RFC 9420 §7.2).", nameof(groupId));
        }

        LeafNode = leafNode;
        GroupId = groupId;
        LeafIndex = leafIndex;
    }

    /// <summary>The signed fields; its signature is not encoded.</summary>
    public LeafNode LeafNode { get; }

    public byte[]? GroupId { get; }

    public uint? LeafIndex { get; }

    public void Encode(TlsWriter writer)
    {
        LeafNode.EncodeContent(writer);
        if (GroupId is not null)
        {
            writer.WriteOpaque(GroupId);
            writer.WriteUInt32(LeafIndex!.Value);
        }
    }

    public static LeafNodeTBS Decode(ref TlsReader reader)
    {
        var leafNode = LeafNode.DecodeContent(ref reader, withSignature: false);
        return leafNode.LeafNodeSource == LeafNodeSource.KeyPackage
            ? new LeafNodeTBS(leafNode, null, null)
            : new LeafNodeTBS(leafNode, reader.ReadOpaqueArray(), reader.ReadUInt32());
    }

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(LeafNodeTBS? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
