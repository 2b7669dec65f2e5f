namespace Courier.Mls.Messages;

/// <summary>
/// Value equality for syntax types. Every message has exactly one encoding (RFC 9420 §2.1), so two
/// values are equal exactly when their encodings are; this gives records with byte-array fields
/// content equality instead of reference equality.
/// </summary>
internal static class TlsEquality
{
    public static bool Equal<T>(T self, T? other)
        where T : class, ITlsEncodable
        => other is not null && (ReferenceEquals(self, other) || TlsWriter.Encode(self).AsSpan().SequenceEqual(TlsWriter.Encode(other)));

    public static int Hash(ITlsEncodable value)
    {
        var hash = new HashCode();
        hash.AddBytes(TlsWriter.Encode(value));
        return hash.ToHashCode();
    }
}
