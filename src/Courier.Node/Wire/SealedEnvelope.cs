using System.Security.Cryptography;
using Courier.Relay.Client;
using NSec.Cryptography;

namespace Courier.Node.Wire;

/// <summary>
/// What a node stores in a dead drop: <c>nonce (24) || XChaCha20-Poly1305(key, nonce, ad = drop name,
/// frame)</c>, where the frame (<see cref="EnvelopeFrame"/>: kind, length, content, zero padding) fills
/// the rest of the size bucket. Kind, length and padding are inside the encryption, so a relay sees
/// bytes indistinguishable from random of one of <see cref="EnvelopeSizes.All"/>, and nothing two
/// envelopes share. The key is one only the drop's writers and readers can derive: a cell's epoch
/// (MLS exporter) or a contact's pairwise secret; the drop name as associated data keeps an envelope
/// from being moved to another drop.
/// </summary>
internal static class SealedEnvelope
{
    /// <summary>The AEAD of every sealed envelope.</summary>
    public static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;

    /// <summary>Nonce and tag.</summary>
    public const int Overhead = 24 + 16;

    /// <summary>The most content one sealed envelope holds.</summary>
    public const int MaxContent = EnvelopeSizes.Max - Overhead - EnvelopeFrame.HeaderSize;

    /// <summary>An envelope key from 32 bytes of key material, which the caller wipes.</summary>
    public static Key ImportKey(ReadOnlySpan<byte> keyMaterial)
        => Key.Import(Aead, keyMaterial, KeyBlobFormat.RawSymmetricKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });

    /// <summary>Seals <paramref name="content"/> of <paramref name="kind"/> for <paramref name="drop"/>, padded to the smallest size that holds it.</summary>
    /// <exception cref="ArgumentException">The content is larger than <see cref="MaxContent"/>.</exception>
    public static byte[] Seal(Key key, DropName drop, byte kind, ReadOnlySpan<byte> content)
    {
        var size = EnvelopeSizes.BucketFor(Overhead + EnvelopeFrame.HeaderSize + content.Length);
        if (size < 0)
        {
            throw new ArgumentException($"A sealed envelope holds at most {MaxContent} bytes, not {content.Length}.", nameof(content));
        }

        var frame = EnvelopeFrame.Pad(kind, content, [size - Overhead]);
        try
        {
            var envelope = new byte[size];
            var nonce = envelope.AsSpan(0, Aead.NonceSize);
            RandomNumberGenerator.Fill(nonce);
            Aead.Encrypt(key, nonce, drop.Bytes, frame, envelope.AsSpan(Aead.NonceSize));
            return envelope;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(frame);
        }
    }

    /// <summary>The kind and content of an envelope sealed with <paramref name="key"/> for <paramref name="drop"/>, or null (another key, another drop, altered, or not an envelope of an allowed size).</summary>
    public static (byte Kind, byte[] Content)? TryOpen(Key key, DropName drop, ReadOnlySpan<byte> envelope)
    {
        if (!EnvelopeSizes.IsAllowed(envelope.Length))
        {
            return null;
        }

        var frame = new byte[envelope.Length - Overhead];
        try
        {
            return Aead.Decrypt(key, envelope[..Aead.NonceSize], drop.Bytes, envelope[Aead.NonceSize..], frame)
                ? EnvelopeFrame.TryOpen(frame)
                : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(frame);
        }
    }
}
