namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §6.2: signed, unencrypted content. The confirmation tag is present exactly for a
/// commit and the membership tag exactly for a member sender.
/// </summary>
internal sealed record PublicMessage : ITlsEncodable
{
    public PublicMessage(FramedContent content, FramedContentAuthData auth, byte[]? membershipTag)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(auth);
        auth.CheckMatches(content.ContentType, nameof(auth));
        if ((membershipTag is not null) != (content.Sender.SenderType == SenderType.Member))
        {
            throw new ArgumentException("membership_tag must be present exactly when sender_type is member (RFC 9420 §6.2).", nameof(membershipTag));
        }

        Content = content;
        Auth = auth;
        MembershipTag = membershipTag;
    }

    public FramedContent Content { get; }

    public FramedContentAuthData Auth { get; }

    /// <summary><c>MAC membership_tag</c>, present exactly when the sender is a member.</summary>
    public byte[]? MembershipTag { get; }

    /// <summary>The AuthenticatedContent this message carries (RFC 9420 §6).</summary>
    public AuthenticatedContent ToAuthenticatedContent() => new(WireFormat.MlsPublicMessage, Content, Auth);

    public void Encode(TlsWriter writer)
    {
        Content.Encode(writer);
        Auth.Encode(writer);
        if (MembershipTag is not null)
        {
            writer.WriteOpaque(MembershipTag);
        }
    }

    public static PublicMessage Decode(ref TlsReader reader)
    {
        var content = FramedContent.Decode(ref reader);
        var auth = FramedContentAuthData.Decode(ref reader, content.ContentType);
        var membershipTag = content.Sender.SenderType == SenderType.Member ? reader.ReadOpaqueArray() : null;
        return new PublicMessage(content, auth, membershipTag);
    }

    public bool Equals(PublicMessage? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
