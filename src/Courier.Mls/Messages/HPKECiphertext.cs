namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §7.6: an HPKE encapsulation and the AEAD ciphertext sealed under it.</summary>
internal sealed record HPKECiphertext(byte[] KemOutput, byte[] Ciphertext) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(KemOutput);
        writer.WriteOpaque(Ciphertext);
    }

    public static HPKECiphertext Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray(), reader.ReadOpaqueArray());

    public bool Equals(HPKECiphertext? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
