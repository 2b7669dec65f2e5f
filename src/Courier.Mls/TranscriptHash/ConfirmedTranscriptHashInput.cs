namespace Courier.Mls.TranscriptHash;

/// <summary>
/// RFC 9420 §8.2: the part of a Commit's AuthenticatedContent the confirmed transcript hash
/// covers: everything up to and including the signature, not the confirmation tag.
/// </summary>
internal sealed record ConfirmedTranscriptHashInput : ITlsEncodable
{
    public ConfirmedTranscriptHashInput(WireFormat wireFormat, FramedContent content, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(signature);
        if (!EnumCodec.IsFramed(wireFormat))
        {
            throw new ArgumentException("Framed content is sent only as mls_public_message or mls_private_message.", nameof(wireFormat));
        }

        if (content.ContentType != ContentType.Commit)
        {
            throw new ArgumentException("Only a Commit updates the transcript hashes (RFC 9420 §8.2).", nameof(content));
        }

        WireFormat = wireFormat;
        Content = content;
        Signature = signature;
    }

    public WireFormat WireFormat { get; }

    /// <summary>The framed Commit.</summary>
    public FramedContent Content { get; }

    public byte[] Signature { get; }

    /// <summary>The input for a Commit's AuthenticatedContent.</summary>
    public static ConfirmedTranscriptHashInput From(AuthenticatedContent commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return new ConfirmedTranscriptHashInput(commit.WireFormat, commit.Content, commit.Auth.Signature);
    }

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)WireFormat);
        Content.Encode(writer);
        writer.WriteOpaque(Signature);
    }

    public static ConfirmedTranscriptHashInput Decode(ref TlsReader reader)
    {
        var wireFormat = reader.ReadFramedWireFormat();
        var content = FramedContent.Decode(ref reader);
        if (content.ContentType != ContentType.Commit)
        {
            throw reader.Error(DecodeError.InvalidValue);
        }

        return new ConfirmedTranscriptHashInput(wireFormat, content, reader.ReadOpaqueArray());
    }

    public bool Equals(ConfirmedTranscriptHashInput? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
