namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.1.6: <c>struct { opaque kem_output&lt;V&gt;; } ExternalInit</c>.</summary>
internal sealed record ExternalInit(byte[] KemOutput) : IProposalBody
{
    public ProposalType ProposalType => ProposalType.ExternalInit;

    public void Encode(TlsWriter writer) => writer.WriteOpaque(KemOutput);

    public static ExternalInit Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray());

    public bool Equals(ExternalInit? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
