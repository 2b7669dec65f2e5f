namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §6: who sent a message. <c>leaf_index</c> for a member, <c>sender_index</c> into the
/// external_senders extension for an external sender, nothing for new members.
/// </summary>
internal sealed record Sender : ITlsEncodable
{
    private readonly uint _index;

    private Sender(SenderType senderType, uint index)
    {
        SenderType = senderType;
        _index = index;
    }

    public SenderType SenderType { get; }

    /// <summary>The leaf index of a member sender; null for the other sender types.</summary>
    public uint? LeafIndex => SenderType == SenderType.Member ? _index : null;

    /// <summary>The index into external_senders of an external sender; null for the other sender types.</summary>
    public uint? SenderIndex => SenderType == SenderType.External ? _index : null;

    public static Sender Member(uint leafIndex) => new(SenderType.Member, leafIndex);

    public static Sender External(uint senderIndex) => new(SenderType.External, senderIndex);

    public static Sender NewMemberProposal() => new(SenderType.NewMemberProposal, 0);

    public static Sender NewMemberCommit() => new(SenderType.NewMemberCommit, 0);

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)SenderType);
        if (SenderType is SenderType.Member or SenderType.External)
        {
            writer.WriteUInt32(_index);
        }
    }

    public static Sender Decode(ref TlsReader reader) => reader.ReadSenderType() switch
    {
        SenderType.Member => Member(reader.ReadUInt32()),
        SenderType.External => External(reader.ReadUInt32()),
        SenderType.NewMemberProposal => NewMemberProposal(),
        _ => NewMemberCommit(),
    };

    public bool Equals(Sender? other) => other is not null && SenderType == other.SenderType && _index == other._index;

    public override int GetHashCode() => HashCode.Combine(SenderType, _index);
}
