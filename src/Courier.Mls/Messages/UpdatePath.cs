namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §7.6: the committer's new leaf and the new nodes of its filtered direct path.</summary>
internal sealed record UpdatePath(LeafNode LeafNode, IReadOnlyList<UpdatePathNode> Nodes) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        LeafNode.Encode(writer);
        writer.WriteVector(Nodes);
    }

    public static UpdatePath Decode(ref TlsReader reader) => new(LeafNode.Decode(ref reader), reader.ReadVector(UpdatePathNode.Decode));

    public bool Equals(UpdatePath? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
