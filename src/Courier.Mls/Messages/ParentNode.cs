namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §7.1: an intermediate node of the ratchet tree. That <see cref="UnmergedLeaves"/> is
/// sorted is a tree-validation rule, not checked here.
/// </summary>
internal sealed record ParentNode(byte[] EncryptionKey, byte[] ParentHash, IReadOnlyList<uint> UnmergedLeaves) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteOpaque(ParentHash);
        writer.WriteVector(w =>
        {
            foreach (var leaf in UnmergedLeaves)
            {
                w.WriteUInt32(leaf);
            }
        });
    }

    public static ParentNode Decode(ref TlsReader reader) => new(
        reader.ReadOpaqueArray(),
        reader.ReadOpaqueArray(),
        reader.ReadVector(static (ref TlsReader r) => r.ReadUInt32()));

    public bool Equals(ParentNode? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
