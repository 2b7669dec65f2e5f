namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §8.1: the state every member of an epoch agrees on, and the context of the key
/// schedule. <c>version</c> is always mls10 (1).
/// </summary>
internal sealed record GroupContext(
    ushort CipherSuite,
    byte[] GroupId,
    ulong Epoch,
    byte[] TreeHash,
    byte[] ConfirmedTranscriptHash,
    IReadOnlyList<Extension> Extensions) : ITlsEncodable
{
    /// <summary>ProtocolVersion mls10 (RFC 9420 §6).</summary>
    public const ushort Mls10 = 1;

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(Mls10);
        writer.WriteUInt16(CipherSuite);
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        writer.WriteOpaque(TreeHash);
        writer.WriteOpaque(ConfirmedTranscriptHash);
        writer.WriteVector(Extensions);
    }

    public static GroupContext Decode(ref TlsReader reader)
    {
        if (reader.ReadUInt16() != Mls10)
        {
            throw reader.Error(DecodeError.InvalidValue);
        }

        return new GroupContext(
            reader.ReadUInt16(),
            reader.ReadOpaqueArray(),
            reader.ReadUInt64(),
            reader.ReadOpaqueArray(),
            reader.ReadOpaqueArray(),
            Extension.DecodeList(ref reader));
    }

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(GroupContext? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
