namespace Courier.Mls.Messages;

/// <summary>
/// Reads the enumerations of RFC 9420 and rejects every value the enumeration does not define
/// (including reserved(0)) as <see cref="DecodeError.InvalidValue"/>. The open registries
/// (ProposalType, CredentialType, WireFormat) are checked here only where their value selects a
/// body that must be parsed.
/// </summary>
internal static class EnumCodec
{
    public static ContentType ReadContentType(this ref TlsReader reader)
        => reader.ReadUInt8() is var v && v is >= (byte)ContentType.Application and <= (byte)ContentType.Commit
            ? (ContentType)v
            : throw reader.Error(DecodeError.InvalidValue);

    public static SenderType ReadSenderType(this ref TlsReader reader)
        => reader.ReadUInt8() is var v && v is >= (byte)SenderType.Member and <= (byte)SenderType.NewMemberCommit
            ? (SenderType)v
            : throw reader.Error(DecodeError.InvalidValue);

    public static LeafNodeSource ReadLeafNodeSource(this ref TlsReader reader)
        => reader.ReadUInt8() is var v && v is >= (byte)LeafNodeSource.KeyPackage and <= (byte)LeafNodeSource.Commit
            ? (LeafNodeSource)v
            : throw reader.Error(DecodeError.InvalidValue);

    public static NodeType ReadNodeType(this ref TlsReader reader)
        => reader.ReadUInt8() is var v && v is >= (byte)NodeType.Leaf and <= (byte)NodeType.Parent
            ? (NodeType)v
            : throw reader.Error(DecodeError.InvalidValue);

    public static PSKType ReadPSKType(this ref TlsReader reader)
        => reader.ReadUInt8() is var v && v is >= (byte)PSKType.External and <= (byte)PSKType.Resumption
            ? (PSKType)v
            : throw reader.Error(DecodeError.InvalidValue);

    public static ResumptionPSKUsage ReadResumptionPSKUsage(this ref TlsReader reader)
        => reader.ReadUInt8() is var v && v is >= (byte)ResumptionPSKUsage.Application and <= (byte)ResumptionPSKUsage.Branch
            ? (ResumptionPSKUsage)v
            : throw reader.Error(DecodeError.InvalidValue);

    public static ProposalOrRefType ReadProposalOrRefType(this ref TlsReader reader)
        => reader.ReadUInt8() is var v && v is >= (byte)ProposalOrRefType.Proposal and <= (byte)ProposalOrRefType.Reference
            ? (ProposalOrRefType)v
            : throw reader.Error(DecodeError.InvalidValue);

    /// <summary>A wire format that selects a body (RFC 9420 §6); unknown and reserved values are rejected.</summary>
    public static WireFormat ReadWireFormat(this ref TlsReader reader)
        => reader.ReadUInt16() is var v && v is >= (ushort)WireFormat.MlsPublicMessage and <= (ushort)WireFormat.MlsKeyPackage
            ? (WireFormat)v
            : throw reader.Error(DecodeError.InvalidValue);

    /// <summary>
    /// The wire format of framed content (AuthenticatedContent, FramedContentTBS, transcript
    /// inputs): RFC 9420 §6 frames content only as a PublicMessage or a PrivateMessage.
    /// </summary>
    public static WireFormat ReadFramedWireFormat(this ref TlsReader reader)
        => reader.ReadUInt16() is var v && v is (ushort)WireFormat.MlsPublicMessage or (ushort)WireFormat.MlsPrivateMessage
            ? (WireFormat)v
            : throw reader.Error(DecodeError.InvalidValue);

    /// <summary>True for the wire formats that carry framed content.</summary>
    public static bool IsFramed(WireFormat wireFormat) => wireFormat is WireFormat.MlsPublicMessage or WireFormat.MlsPrivateMessage;

    /// <summary>Reads <c>uint16 values&lt;V&gt;</c> (any value: capability lists tolerate unknown and GREASE values).</summary>
    public static List<ushort> ReadUInt16List(this ref TlsReader reader) => reader.ReadVector(static (ref TlsReader r) => r.ReadUInt16());

    /// <summary>Writes <c>uint16 values&lt;V&gt;</c>.</summary>
    public static void WriteUInt16List(this TlsWriter writer, IEnumerable<ushort> values) => writer.WriteVector(w =>
    {
        foreach (var value in values)
        {
            w.WriteUInt16(value);
        }
    });
}
