namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.1.4: <c>struct { PreSharedKeyID psk; } PreSharedKey</c>.</summary>
internal sealed record PreSharedKey(PreSharedKeyID Psk) : IProposalBody
{
    public ProposalType ProposalType => ProposalType.Psk;

    public void Encode(TlsWriter writer) => Psk.Encode(writer);

    public static PreSharedKey Decode(ref TlsReader reader) => new(PreSharedKeyID.Decode(ref reader));

    public bool Equals(PreSharedKey? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
