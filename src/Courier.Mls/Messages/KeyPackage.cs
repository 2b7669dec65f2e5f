namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §10: a client's published offer to be added to a group, signed with label
/// "KeyPackageTBS". <see cref="Version"/> and <see cref="CipherSuite"/> are any registry value
/// here; which ones are acceptable is a validation question (§10.1).
/// </summary>
internal sealed record KeyPackage(
    ushort Version,
    ushort CipherSuite,
    byte[] InitKey,
    LeafNode LeafNode,
    IReadOnlyList<Extension> Extensions,
    byte[] Signature) : ITlsEncodable
{
    /// <summary>The KeyPackageTBS the signature covers.</summary>
    public KeyPackageTBS ToBeSigned() => new(Version, CipherSuite, InitKey, LeafNode, Extensions);

    public void Encode(TlsWriter writer)
    {
        ToBeSigned().Encode(writer);
        writer.WriteOpaque(Signature);
    }

    public static KeyPackage Decode(ref TlsReader reader)
    {
        var tbs = KeyPackageTBS.Decode(ref reader);
        return new KeyPackage(tbs.Version, tbs.CipherSuite, tbs.InitKey, tbs.LeafNode, tbs.Extensions, reader.ReadOpaqueArray());
    }

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(KeyPackage? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
