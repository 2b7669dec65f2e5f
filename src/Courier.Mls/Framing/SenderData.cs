namespace Courier.Mls.Framing;

/// <summary>
/// RFC 9420 §6.3.2: <c>struct { uint32 leaf_index; uint32 generation; opaque reuse_guard[4]; } SenderData</c>,
/// encrypted so that only members learn who sent a PrivateMessage and with which key.
/// </summary>
internal sealed record SenderData(uint LeafIndex, uint Generation, uint ReuseGuard) : ITlsEncodable
{
    public const int Size = 12;

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt32(LeafIndex);
        writer.WriteUInt32(Generation);
        writer.WriteUInt32(ReuseGuard);
    }

    public static SenderData Decode(ref TlsReader reader) => new(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
}
