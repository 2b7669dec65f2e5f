namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §6.3: signed and encrypted content; the sender and the content are ciphertexts.</summary>
internal sealed record PrivateMessage(
    byte[] GroupId,
    ulong Epoch,
    ContentType ContentType,
    byte[] AuthenticatedData,
    byte[] EncryptedSenderData,
    byte[] Ciphertext) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        writer.WriteUInt8((byte)ContentType);
        writer.WriteOpaque(AuthenticatedData);
        writer.WriteOpaque(EncryptedSenderData);
        writer.WriteOpaque(Ciphertext);
    }

    public static PrivateMessage Decode(ref TlsReader reader) => new(
        reader.ReadOpaqueArray(),
        reader.ReadUInt64(),
        reader.ReadContentType(),
        reader.ReadOpaqueArray(),
        reader.ReadOpaqueArray(),
        reader.ReadOpaqueArray());

    public bool Equals(PrivateMessage? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
