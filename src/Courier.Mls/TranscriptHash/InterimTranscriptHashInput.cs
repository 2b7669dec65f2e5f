namespace Courier.Mls.TranscriptHash;

/// <summary>RFC 9420 §8.2: <c>struct { MAC confirmation_tag; } InterimTranscriptHashInput</c>.</summary>
internal sealed record InterimTranscriptHashInput(byte[] ConfirmationTag) : ITlsEncodable
{
    public void Encode(TlsWriter writer) => writer.WriteOpaque(ConfirmationTag);

    public static InterimTranscriptHashInput Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray());

    public bool Equals(InterimTranscriptHashInput? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
