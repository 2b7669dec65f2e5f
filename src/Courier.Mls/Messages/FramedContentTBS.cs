namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §6.1: what the signature of FramedContentAuthData covers (label "FramedContentTBS").
/// The group context is present exactly for member and new_member_commit senders.
/// </summary>
internal sealed record FramedContentTBS : ITlsEncodable
{
    public FramedContentTBS(WireFormat wireFormat, FramedContent content, GroupContext? context)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!EnumCodec.IsFramed(wireFormat))
        {
            throw new ArgumentException("Framed content is sent only as mls_public_message or mls_private_message.", nameof(wireFormat));
        }

        if ((context is not null) != HasContext(content.Sender.SenderType))
        {
            throw new ArgumentException("The group context is signed exactly for member and new_member_commit senders (RFC 9420 §6.1).", nameof(context));
        }

        WireFormat = wireFormat;
        Content = content;
        Context = context;
    }

    public WireFormat WireFormat { get; }

    public FramedContent Content { get; }

    public GroupContext? Context { get; }

    /// <summary>True for the sender types whose signature covers the group context.</summary>
    public static bool HasContext(SenderType senderType) => senderType is SenderType.Member or SenderType.NewMemberCommit;

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(GroupContext.Mls10);
        writer.WriteUInt16((ushort)WireFormat);
        Content.Encode(writer);
        Context?.Encode(writer);
    }

    public static FramedContentTBS Decode(ref TlsReader reader)
    {
        if (reader.ReadUInt16() != GroupContext.Mls10)
        {
            throw reader.Error(DecodeError.InvalidValue);
        }

        var wireFormat = reader.ReadFramedWireFormat();
        var content = FramedContent.Decode(ref reader);
        var context = HasContext(content.Sender.SenderType) ? GroupContext.Decode(ref reader) : null;
        return new FramedContentTBS(wireFormat, content, context);
    }

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(FramedContentTBS? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
