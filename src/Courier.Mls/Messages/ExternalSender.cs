namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.1.8.1: a party allowed to send external proposals; the data of the
/// external_senders extension is <c>ExternalSender external_senders&lt;V&gt;</c>.
/// </summary>
internal sealed record ExternalSender(byte[] SignatureKey, Credential Credential) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(SignatureKey);
        Credential.Encode(writer);
    }

    public static ExternalSender Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray(), Credential.Decode(ref reader));

    /// <summary>Reads <c>ExternalSender external_senders&lt;V&gt;</c>.</summary>
    public static List<ExternalSender> DecodeList(ref TlsReader reader) => reader.ReadVector(Decode);

    /// <summary>Writes <c>ExternalSender external_senders&lt;V&gt;</c>.</summary>
    public static void EncodeList(TlsWriter writer, IReadOnlyList<ExternalSender> senders)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteVector(senders);
    }

    public bool Equals(ExternalSender? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
