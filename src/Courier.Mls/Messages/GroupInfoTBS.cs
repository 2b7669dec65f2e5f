namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.4.3: every field of a GroupInfo above its signature.</summary>
internal sealed record GroupInfoTBS(
    GroupContext GroupContext,
    IReadOnlyList<Extension> Extensions,
    byte[] ConfirmationTag,
    uint Signer) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        GroupContext.Encode(writer);
        writer.WriteVector(Extensions);
        writer.WriteOpaque(ConfirmationTag);
        writer.WriteUInt32(Signer);
    }

    public static GroupInfoTBS Decode(ref TlsReader reader) => new(
        GroupContext.Decode(ref reader),
        Extension.DecodeList(ref reader),
        reader.ReadOpaqueArray(),
        reader.ReadUInt32());

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(GroupInfoTBS? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
