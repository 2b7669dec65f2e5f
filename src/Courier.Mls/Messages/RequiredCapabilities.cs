namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §11.1: the data of the required_capabilities extension, the non-default extension,
/// proposal and credential types every member must support.
/// </summary>
internal sealed record RequiredCapabilities(
    IReadOnlyList<ushort> ExtensionTypes,
    IReadOnlyList<ProposalType> ProposalTypes,
    IReadOnlyList<CredentialType> CredentialTypes) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16List(ExtensionTypes);
        writer.WriteUInt16List(ProposalTypes.Select(p => (ushort)p));
        writer.WriteUInt16List(CredentialTypes.Select(c => (ushort)c));
    }

    public static RequiredCapabilities Decode(ref TlsReader reader) => new(
        reader.ReadUInt16List(),
        reader.ReadVector(static (ref TlsReader r) => (ProposalType)r.ReadUInt16()),
        reader.ReadVector(static (ref TlsReader r) => (CredentialType)r.ReadUInt16()));

    public bool Equals(RequiredCapabilities? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
