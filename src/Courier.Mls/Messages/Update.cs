namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.1.2: <c>struct { LeafNode leaf_node; } Update</c>.</summary>
internal sealed record Update(LeafNode LeafNode) : IProposalBody
{
    public ProposalType ProposalType => ProposalType.Update;

    public void Encode(TlsWriter writer) => LeafNode.Encode(writer);

    public static Update Decode(ref TlsReader reader) => new(LeafNode.Decode(ref reader));

    public bool Equals(Update? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
