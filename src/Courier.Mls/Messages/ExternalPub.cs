namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.4.3.2: the data of the external_pub GroupInfo extension,
/// <c>struct { HPKEPublicKey external_pub; } ExternalPub</c>.
/// </summary>
internal sealed record ExternalPub(byte[] PublicKey) : ITlsEncodable
{
    public void Encode(TlsWriter writer) => writer.WriteOpaque(PublicKey);

    public static ExternalPub Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray());

    public bool Equals(ExternalPub? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
