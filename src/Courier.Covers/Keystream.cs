using System.Buffers.Binary;
using System.Runtime.InteropServices;
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
    /// <summary>The domain of the cover-element order.</summary>
    public const byte Order = 1;

    /// <summary>The domain of the payload's mask.</summary>
    public const byte Mask = 2;

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

    /// <summary>The next <c>values.Length</c> 32-bit numbers.</summary>
    public void Fill(Span<uint> values)
    {
        while (!values.IsEmpty)
        {
            if (position + 4 > buffer.Length)
            {
                Refill();
            }

            var take = Math.Min(values.Length, (buffer.Length - position) / 4);
            var source = MemoryMarshal.Cast<byte, uint>(buffer.AsSpan(position, 4 * take));
            if (BitConverter.IsLittleEndian)
            {
                source.CopyTo(values);
            }
            else
            {
                BinaryPrimitives.ReverseEndianness(source, values);
            }

            values = values[take..];
            position += 4 * take;
        }
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
