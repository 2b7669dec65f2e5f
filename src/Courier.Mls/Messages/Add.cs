namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.1.1: <c>struct { KeyPackage key_package; } Add</c>.</summary>
internal sealed record Add(KeyPackage KeyPackage) : IProposalBody
{
    public ProposalType ProposalType => ProposalType.Add;

    public void Encode(TlsWriter writer) => KeyPackage.Encode(writer);

    public static Add Decode(ref TlsReader reader) => new(KeyPackage.Decode(ref reader));

    public bool Equals(Add? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
