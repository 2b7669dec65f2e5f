using System.Buffers.Text;
using System.Security.Cryptography;

namespace Courier.Relay.Client;

/// <summary>
/// A client-chosen id of one append (16 bytes, base64url on the wire). Repeating an append with the
/// same id returns the original sequence number and stores nothing new, so retries never duplicate.
/// </summary>
public readonly struct MessageId : IEquatable<MessageId>
{
    /// <summary>Length of a message id in bytes.</summary>
    public const int Size = 16;

    private readonly byte[]? _bytes;

    private MessageId(byte[] bytes) => _bytes = bytes;

    /// <summary>The 16 bytes of the id.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? throw new InvalidOperationException("An uninitialized MessageId has no bytes.");

    /// <summary>A fresh random id.</summary>
    public static MessageId NewRandom() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>An id from exactly 16 bytes.</summary>
    public static MessageId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A message id is {Size} bytes.", nameof(bytes));
        }

        return new MessageId(bytes.ToArray());
    }

    /// <summary>Parses the 22-character base64url form; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MessageId id)
    {
        id = default;
        Span<byte> bytes = stackalloc byte[Size];
        if (!WireBase64.TryDecode(text, bytes))
        {
            return false;
        }

        id = new MessageId(bytes.ToArray());
        return true;
    }

    /// <summary>The 22-character base64url form.</summary>
    public override string ToString() => _bytes is null ? string.Empty : Base64Url.EncodeToString(_bytes);

    /// <inheritdoc/>
    public bool Equals(MessageId other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MessageId other && Equals(other);

    /// <summary>A hash of all the bytes with the BCL's per-process random seed, so client-chosen values cannot be made to collide.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    /// <summary>Equality by bytes.</summary>
    public static bool operator ==(MessageId left, MessageId right) => left.Equals(right);

    /// <summary>Inequality by bytes.</summary>
    public static bool operator !=(MessageId left, MessageId right) => !left.Equals(right);
}
