using System.Buffers.Binary;
using Courier.Relay.Client;

namespace Courier.Node.Wire;

/// <summary>
/// The frame of every envelope the node hands a relay: <c>u8 version = 1 | u8 kind | u32 length |
/// content | zero padding</c>, padded to the smallest allowed size that holds it (<see cref="EnvelopeSizes"/>),
/// so that the relay learns the size bucket and nothing finer. Reading is strict: a wrong version, an
/// impossible length or a non-zero padding byte makes the envelope unreadable.
/// </summary>
/// <remarks>Kinds: 0x01–0x04 first contact, 0x10 pairwise, 0x20 introduction offer, 0x30 a cell's MLS message.</remarks>
internal static class EnvelopeFrame
{
    public const byte Version = 1;
    public const int HeaderSize = 6;

    /// <summary>The most content a dead-drop envelope holds.</summary>
    public const int MaxContent = EnvelopeSizes.Max - HeaderSize;

    /// <exception cref="ArgumentException">The content does not fit the largest allowed size.</exception>
    public static byte[] Pad(byte kind, ReadOnlySpan<byte> content, IReadOnlyList<int> sizes)
    {
        var needed = HeaderSize + content.Length;
        var size = sizes.FirstOrDefault(s => s >= needed);
        if (size == 0)
        {
            throw new ArgumentException($"An envelope of {content.Length} bytes does not fit the largest allowed size.", nameof(content));
        }

        var envelope = new byte[size];
        envelope[0] = Version;
        envelope[1] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(envelope.AsSpan(2), (uint)content.Length);
        content.CopyTo(envelope.AsSpan(HeaderSize));
        return envelope;
    }

    /// <summary>The kind and content of a well-formed envelope, or null.</summary>
    public static (byte Kind, byte[] Content)? TryOpen(ReadOnlySpan<byte> envelope)
    {
        if (envelope.Length < HeaderSize || envelope[0] != Version)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(envelope[2..]);
        if (length > (uint)(envelope.Length - HeaderSize))
        {
            return null;
        }

        var end = HeaderSize + (int)length;
        if (envelope[end..].ContainsAnyExcept((byte)0))
        {
            return null;
        }

        return (envelope[1], envelope[HeaderSize..end].ToArray());
    }
}
