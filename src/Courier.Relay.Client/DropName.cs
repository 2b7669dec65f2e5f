using System.Buffers.Text;
using System.Security.Cryptography;

namespace Courier.Relay.Client;

/// <summary>
/// The name of a dead drop: 32 random bytes, written as unpadded base64url (43 characters).
/// Knowing the name is the capability to append to the drop.
/// </summary>
public readonly struct DropName : IEquatable<DropName>
{
    /// <summary>Length of a drop name in bytes.</summary>
    public const int Size = 32;

    /// <summary>Length of a drop name as unpadded base64url text.</summary>
    public const int TextLength = 43;

    private readonly byte[]? _bytes;

    private DropName(byte[] bytes) => _bytes = bytes;

    /// <summary>The 32 bytes of the name.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? throw new InvalidOperationException("An uninitialized DropName has no bytes.");

    /// <summary>A fresh random name.</summary>
    public static DropName NewRandom() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>A name from exactly 32 bytes (for example derived from an MLS exporter secret).</summary>
    public static DropName FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A drop name is {Size} bytes.", nameof(bytes));
        }

        return new DropName(bytes.ToArray());
    }

    /// <summary>Parses the 43-character base64url form; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DropName name)
    {
        name = default;
        Span<byte> bytes = stackalloc byte[Size];
        if (!WireBase64.TryDecode(text, bytes))
        {
            return false;
        }

        name = new DropName(bytes.ToArray());
        return true;
    }

    /// <summary>The 43-character base64url form.</summary>
    public override string ToString() => _bytes is null ? string.Empty : Base64Url.EncodeToString(_bytes);

    /// <inheritdoc/>
    public bool Equals(DropName other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DropName other && Equals(other);

    /// <summary>A hash of all the bytes with the BCL's per-process random seed, so client-chosen values cannot be made to collide.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    /// <summary>Equality by bytes.</summary>
    public static bool operator ==(DropName left, DropName right) => left.Equals(right);

    /// <summary>Inequality by bytes.</summary>
    public static bool operator !=(DropName left, DropName right) => !left.Equals(right);
}
