namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §6.2: what the membership_tag of a PublicMessage from a member covers.</summary>
internal sealed record AuthenticatedContentTBM : ITlsEncodable
{
    public AuthenticatedContentTBM(FramedContentTBS contentTbs, FramedContentAuthData auth)
    {
        ArgumentNullException.ThrowIfNull(contentTbs);
        ArgumentNullException.ThrowIfNull(auth);
        auth.CheckMatches(contentTbs.Content.ContentType, nameof(auth));
        ContentTbs = contentTbs;
        Auth = auth;
    }

    public FramedContentTBS ContentTbs { get; }

    public FramedContentAuthData Auth { get; }

    public void Encode(TlsWriter writer)
    {
        ContentTbs.Encode(writer);
        Auth.Encode(writer);
    }

    public static AuthenticatedContentTBM Decode(ref TlsReader reader)
    {
        var tbs = FramedContentTBS.Decode(ref reader);
        return new AuthenticatedContentTBM(tbs, FramedContentAuthData.Decode(ref reader, tbs.Content.ContentType));
    }

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(AuthenticatedContentTBM? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
