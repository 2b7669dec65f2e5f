namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §6.1: the signature over FramedContentTBS and, for a commit only, the confirmation
/// tag. Whether the tag is present depends on the content type of the enclosing content, so
/// <see cref="Decode"/> takes it; the enclosing structures enforce the rule.
/// </summary>
internal sealed record FramedContentAuthData(byte[] Signature, byte[]? ConfirmationTag) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(Signature);
        if (ConfirmationTag is not null)
        {
            writer.WriteOpaque(ConfirmationTag);
        }
    }

    public static FramedContentAuthData Decode(ref TlsReader reader, ContentType contentType)
        => new(reader.ReadOpaqueArray(), contentType == ContentType.Commit ? reader.ReadOpaqueArray() : null);

    /// <summary>Fails unless the confirmation tag is present exactly when the content is a commit.</summary>
    public void CheckMatches(ContentType contentType, string paramName)
    {
        if ((ConfirmationTag is not null) != (contentType == ContentType.Commit))
        {
            throw new ArgumentException("confirmation_tag must be present exactly when content_type is commit (RFC 9420 §6.1).", paramName);
        }
    }

    public bool Equals(FramedContentAuthData? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
