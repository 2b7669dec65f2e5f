using System.Buffers.Binary;
using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Covers;

/// <summary>
/// A ChaCha20 keystream (libsodium) read as numbers: the cover-element order and the payload's mask.
/// Each image of a spread payload has its own key, HMAC-SHA-256(key, label || image index); each use
/// its own domain byte; the stream is made in 64 KiB pieces, each under its own nonce.
/// </summary>
internal sealed class Keystream
{
    /// <summary>The domain of the cover-element selection.</summary>
    public const byte Selection = 1;

    /// <summary>The domain of the cover-element shuffle.</summary>
    public const byte Shuffle = 2;

    /// <summary>The domain of the payload's mask.</summary>
    public const byte Mask = 3;

    readonly byte[] partKey;
    readonly byte domain;
    readonly byte[] buffer = new byte[1 << 16];
    uint piece;
    int position;

    /// <summary>The stream of <paramref name="domain"/> for image <paramref name="part"/> under <paramref name="key"/>.</summary>
    public Keystream(ReadOnlySpan<byte> key, int part, byte domain)
    {
        Span<byte> label = stackalloc byte[17];
        "courier cover"u8.CopyTo(label);
        BinaryPrimitives.WriteInt32BigEndian(label[13..], part);
        partKey = HMACSHA256.HashData(key, label);
        this.domain = domain;
        Refill();
    }

    /// <summary>The next 32 bits.</summary>
    public uint NextUInt32()
    {
        if (position + 4 > buffer.Length)
        {
            Refill();
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(position));
        position += 4;
        return value;
    }

    /// <summary>XORs the stream into <paramref name="data"/>.</summary>
    public void Xor(Span<byte> data)
    {
        foreach (ref var b in data)
        {
            if (position == buffer.Length)
            {
                Refill();
            }

            b ^= buffer[position++];
        }
    }

    void Refill()
    {
        Span<byte> nonce = stackalloc byte[LibSodium.ChaCha20NonceSize];
        nonce.Clear();
        nonce[0] = domain;
        BinaryPrimitives.WriteUInt32LittleEndian(nonce[1..], piece++);
        LibSodium.ChaCha20Stream(buffer, nonce, partKey);
        position = 0;
    }
}
