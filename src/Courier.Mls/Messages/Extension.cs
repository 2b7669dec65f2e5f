namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §13: <c>struct { ExtensionType extension_type; opaque extension_data&lt;V&gt;; } Extension</c>.</summary>
internal sealed record Extension(ushort ExtensionType, byte[] ExtensionData) : ITlsEncodable
{
    // RFC 9420 §17.3, the extension types this library interprets.
    public const ushort ApplicationId = 0x0001;
    public const ushort RatchetTree = 0x0002;
    public const ushort RequiredCapabilities = 0x0003;
    public const ushort ExternalPub = 0x0004;
    public const ushort ExternalSenders = 0x0005;

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(ExtensionType);
        writer.WriteOpaque(ExtensionData);
    }

    public static Extension Decode(ref TlsReader reader) => new(reader.ReadUInt16(), reader.ReadOpaqueArray());

    /// <summary>Reads <c>Extension extensions&lt;V&gt;</c>.</summary>
    public static List<Extension> DecodeList(ref TlsReader reader) => reader.ReadVector(Decode);

    public bool Equals(Extension? other)
        => other is not null && ExtensionType == other.ExtensionType && ExtensionData.AsSpan().SequenceEqual(other.ExtensionData);

    public override int GetHashCode() => HashCode.Combine(ExtensionType, ExtensionData.Length);
}
