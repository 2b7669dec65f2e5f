namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.4.3.3: one non-blank node of the ratchet tree, a leaf or a parent; and the
/// <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c> vector of the ratchet_tree extension, where
/// null is a blank node.
/// </summary>
internal sealed record Node : ITlsEncodable
{
    public Node(LeafNode leafNode)
    {
        ArgumentNullException.ThrowIfNull(leafNode);
        NodeType = NodeType.Leaf;
        LeafNode = leafNode;
    }

    public Node(ParentNode parentNode)
    {
        ArgumentNullException.ThrowIfNull(parentNode);
        NodeType = NodeType.Parent;
        ParentNode = parentNode;
    }

    public NodeType NodeType { get; }

    public LeafNode? LeafNode { get; }

    public ParentNode? ParentNode { get; }

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)NodeType);
        if (LeafNode is not null)
        {
            LeafNode.Encode(writer);
        }
        else
        {
            ParentNode!.Encode(writer);
        }
    }

    public static Node Decode(ref TlsReader reader) => reader.ReadNodeType() == NodeType.Leaf
        ? new Node(LeafNode.Decode(ref reader))
        : new Node(ParentNode.Decode(ref reader));

    /// <summary>
    /// Reads <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>, null entries being blank nodes.
    /// The shape rules (non-blank last node, leaves at even positions) are tree validation (§12.4.3.3).
    /// </summary>
    public static List<Node?> DecodeRatchetTree(ref TlsReader reader) => reader.ReadVector(static (ref TlsReader r) => r.ReadOptional(Decode));

    /// <summary>Writes <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>.</summary>
    public static void EncodeRatchetTree(TlsWriter writer, IReadOnlyList<Node?> nodes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(nodes);
        writer.WriteVector(w =>
        {
            foreach (var node in nodes)
            {
                w.WriteOptional(node);
            }
        });
    }

    public bool Equals(Node? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
