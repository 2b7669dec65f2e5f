namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.1.5: a request to reinitialize the group. <see cref="Version"/> may name a
/// future protocol version, so it is not range-checked.
/// </summary>
internal sealed record ReInit(byte[] GroupId, ushort Version, ushort CipherSuite, IReadOnlyList<Extension> Extensions) : IProposalBody
{
    public ProposalType ProposalType => ProposalType.Reinit;

    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt16(Version);
        writer.WriteUInt16(CipherSuite);
        writer.WriteVector(Extensions);
    }

    public static ReInit Decode(ref TlsReader reader)
        => new(reader.ReadOpaqueArray(), reader.ReadUInt16(), reader.ReadUInt16(), Extension.DecodeList(ref reader));

    public bool Equals(ReInit? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
