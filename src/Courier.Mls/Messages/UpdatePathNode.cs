namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §7.6: a new public key on the committer's filtered direct path and its path secret, encrypted to the copath resolution.</summary>
internal sealed record UpdatePathNode(byte[] EncryptionKey, IReadOnlyList<HPKECiphertext> EncryptedPathSecret) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteVector(EncryptedPathSecret);
    }

    public static UpdatePathNode Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray(), reader.ReadVector(HPKECiphertext.Decode));

    public bool Equals(UpdatePathNode? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
