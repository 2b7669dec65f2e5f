namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §7.2: what a client supports. Every list may hold values this library does not know,
/// GREASE values included (§13.5): they decode and are kept so the encoding is unchanged.
/// </summary>
internal sealed record Capabilities(
    IReadOnlyList<ushort> Versions,
    IReadOnlyList<ushort> CipherSuites,
    IReadOnlyList<ushort> Extensions,
    IReadOnlyList<ProposalType> Proposals,
    IReadOnlyList<CredentialType> Credentials) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16List(Versions);
        writer.WriteUInt16List(CipherSuites);
        writer.WriteUInt16List(Extensions);
        writer.WriteUInt16List(Proposals.Select(p => (ushort)p));
        writer.WriteUInt16List(Credentials.Select(c => (ushort)c));
    }

    public static Capabilities Decode(ref TlsReader reader) => new(
        reader.ReadUInt16List(),
        reader.ReadUInt16List(),
        reader.ReadUInt16List(),
        reader.ReadVector(static (ref TlsReader r) => (ProposalType)r.ReadUInt16()),
        reader.ReadVector(static (ref TlsReader r) => (CredentialType)r.ReadUInt16()));

    public bool Equals(Capabilities? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
