namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §10: every field of a KeyPackage above its signature.</summary>
internal sealed record KeyPackageTBS(
    ushort Version,
    ushort CipherSuite,
    byte[] InitKey,
    LeafNode LeafNode,
    IReadOnlyList<Extension> Extensions) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(Version);
        writer.WriteUInt16(CipherSuite);
        writer.WriteOpaque(InitKey);
        LeafNode.Encode(writer);
        writer.WriteVector(Extensions);
    }

    public static KeyPackageTBS Decode(ref TlsReader reader) => new(
        reader.ReadUInt16(),
        reader.ReadUInt16(),
        reader.ReadOpaqueArray(),
        LeafNode.Decode(ref reader),
        Extension.DecodeList(ref reader));

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(KeyPackageTBS? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
