namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §7.2: validity of a KeyPackage's leaf node, in seconds since the Unix epoch.</summary>
internal sealed record Lifetime(ulong NotBefore, ulong NotAfter) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt64(NotBefore);
        writer.WriteUInt64(NotAfter);
    }

    public static Lifetime Decode(ref TlsReader reader) => new(reader.ReadUInt64(), reader.ReadUInt64());
}
