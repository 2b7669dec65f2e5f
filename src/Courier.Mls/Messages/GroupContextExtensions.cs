namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.1.7: <c>struct { Extension extensions&lt;V&gt;; } GroupContextExtensions</c>, the new GroupContext extensions.</summary>
internal sealed record GroupContextExtensions(IReadOnlyList<Extension> Extensions) : IProposalBody
{
    public ProposalType ProposalType => ProposalType.GroupContextExtensions;

    public void Encode(TlsWriter writer) => writer.WriteVector(Extensions);

    public static GroupContextExtensions Decode(ref TlsReader reader) => new(Extension.DecodeList(ref reader));

    public bool Equals(GroupContextExtensions? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
