namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §6: content with the data that authenticates its sender, as a PublicMessage or a
/// PrivateMessage carries it. Its encoding is the input of a ProposalRef (§5.2) and of the
/// transcript hashes (§8.2).
/// </summary>
internal sealed record AuthenticatedContent : ITlsEncodable
{
    public AuthenticatedContent(WireFormat wireFormat, FramedContent content, FramedContentAuthData auth)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(auth);
        if (!EnumCodec.IsFramed(wireFormat))
        {
            throw new ArgumentException("Framed content is sent only as mls_public_message or mls_private_message.", nameof(wireFormat));
        }

        auth.CheckMatches(content.ContentType, nameof(auth));
        WireFormat = wireFormat;
        Content = content;
        Auth = auth;
    }

    public WireFormat WireFormat { get; }

    public FramedContent Content { get; }

    public FramedContentAuthData Auth { get; }

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)WireFormat);
        Content.Encode(writer);
        Auth.Encode(writer);
    }

    public static AuthenticatedContent Decode(ref TlsReader reader)
    {
        var wireFormat = reader.ReadFramedWireFormat();
        var content = FramedContent.Decode(ref reader);
        return new AuthenticatedContent(wireFormat, content, FramedContentAuthData.Decode(ref reader, content.ContentType));
    }

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(AuthenticatedContent? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
