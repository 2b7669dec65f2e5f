namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §6: the content of a handshake or application message with its header. Exactly one
/// of <see cref="ApplicationData"/>, <see cref="Proposal"/> and <see cref="Commit"/> is set, the
/// one <see cref="ContentType"/> selects.
/// </summary>
internal sealed record FramedContent : ITlsEncodable
{
    private FramedContent(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, ContentType contentType, byte[]? applicationData, Proposal? proposal, Commit? commit)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(authenticatedData);
        GroupId = groupId;
        Epoch = epoch;
        Sender = sender;
        AuthenticatedData = authenticatedData;
        ContentType = contentType;
        ApplicationData = applicationData;
        Proposal = proposal;
        Commit = commit;
    }

    public byte[] GroupId { get; }

    public ulong Epoch { get; }

    public Sender Sender { get; }

    public byte[] AuthenticatedData { get; }

    public ContentType ContentType { get; }

    /// <summary><c>application_data</c> when <see cref="ContentType"/> is application.</summary>
    public byte[]? ApplicationData { get; }

    /// <summary>The proposal when <see cref="ContentType"/> is proposal.</summary>
    public Proposal? Proposal { get; }

    /// <summary>The commit when <see cref="ContentType"/> is commit.</summary>
    public Commit? Commit { get; }

    public static FramedContent Application(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, byte[] applicationData)
        => new(groupId, epoch, sender, authenticatedData, ContentType.Application, applicationData ?? throw new ArgumentNullException(nameof(applicationData)), null, null);

    public static FramedContent ForProposal(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, Proposal proposal)
        => new(groupId, epoch, sender, authenticatedData, ContentType.Proposal, null, proposal ?? throw new ArgumentNullException(nameof(proposal)), null);

    public static FramedContent ForCommit(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, Commit commit)
        => new(groupId, epoch, sender, authenticatedData, ContentType.Commit, null, null, commit ?? throw new ArgumentNullException(nameof(commit)));

    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        Sender.Encode(writer);
        writer.WriteOpaque(AuthenticatedData);
        writer.WriteUInt8((byte)ContentType);
        EncodeBody(writer);
    }

    /// <summary>
    /// Writes only the part selected by content_type (application_data, Proposal or Commit), the
    /// same select PrivateMessageContent begins with (RFC 9420 §6.3.1).
    /// </summary>
    public void EncodeBody(TlsWriter writer)
    {
        switch (ContentType)
        {
            case ContentType.Application:
                writer.WriteOpaque(ApplicationData);
                break;
            case ContentType.Proposal:
                Proposal!.Encode(writer);
                break;
            default:
                Commit!.Encode(writer);
                break;
        }
    }

    public static FramedContent Decode(ref TlsReader reader)
    {
        var groupId = reader.ReadOpaqueArray();
        var epoch = reader.ReadUInt64();
        var sender = Sender.Decode(ref reader);
        var authenticatedData = reader.ReadOpaqueArray();
        var contentType = reader.ReadContentType();
        return DecodeBody(ref reader, groupId, epoch, sender, authenticatedData, contentType);
    }

    /// <summary>
    /// Reads only the part selected by <paramref name="contentType"/> and joins it to a header
    /// known from elsewhere (a PrivateMessage and its SenderData, RFC 9420 §6.3).
    /// </summary>
    public static FramedContent DecodeBody(ref TlsReader reader, byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, ContentType contentType) => contentType switch
    {
        ContentType.Application => Application(groupId, epoch, sender, authenticatedData, reader.ReadOpaqueArray()),
        ContentType.Proposal => ForProposal(groupId, epoch, sender, authenticatedData, Proposal.Decode(ref reader)),
        ContentType.Commit => ForCommit(groupId, epoch, sender, authenticatedData, Commit.Decode(ref reader)),
        _ => throw new ArgumentOutOfRangeException(nameof(contentType)),
    };

    public bool Equals(FramedContent? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
