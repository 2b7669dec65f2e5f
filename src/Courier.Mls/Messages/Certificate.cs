namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §5.3: <c>struct { opaque cert_data&lt;V&gt;; } Certificate</c>, one DER-encoded X.509 certificate.</summary>
internal sealed record Certificate(byte[] CertData) : ITlsEncodable
{
    public void Encode(TlsWriter writer) => writer.WriteOpaque(CertData);

    public static Certificate Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray());

    public bool Equals(Certificate? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
