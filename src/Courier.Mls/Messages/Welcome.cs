namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.4.3.1: the message that lets new members join the epoch a Commit starts.</summary>
internal sealed record Welcome(ushort CipherSuite, IReadOnlyList<EncryptedGroupSecrets> Secrets, byte[] EncryptedGroupInfo) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(CipherSuite);
        writer.WriteVector(Secrets);
        writer.WriteOpaque(EncryptedGroupInfo);
    }

    public static Welcome Decode(ref TlsReader reader)
        => new(reader.ReadUInt16(), reader.ReadVector(EncryptedGroupSecrets.Decode), reader.ReadOpaqueArray());

    public bool Equals(Welcome? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
