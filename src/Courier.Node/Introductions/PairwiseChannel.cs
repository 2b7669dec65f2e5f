using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Relay.Client;
using Courier.Node.Wire;
using NSec.Cryptography;

namespace Courier.Node.Introductions;

/// <summary>
/// Control messages between two contacts through their dead drops (docs/node.md, "Pairwise
/// channel"): XChaCha20-Poly1305 with a random nonce under a key per direction, derived with
/// HKDF-SHA256 from the contact's pairwise secret, with the destination drop's name as associated
/// data. A message the sender also signs (an introduction) carries its signature inside.
/// Envelope content: <c>nonce (24) || ciphertext of (u8 type || body)</c>.
/// </summary>
internal static class PairwiseChannel
{
    /// <summary>The frame kind of a pairwise envelope.</summary>
    public const byte FrameKind = 0x10;

    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;

    public static byte[] Seal(ContactRecord contact, PairwiseMessageType type, ReadOnlySpan<byte> body)
    {
        using var key = DirectionKey(contact, sending: true);
        byte[] plaintext = [(byte)type, .. body];
        try
        {
            var content = new byte[Aead.NonceSize + plaintext.Length + Aead.TagSize];
            RandomNumberGenerator.Fill(content.AsSpan(0, Aead.NonceSize));
            Aead.Encrypt(key, content.AsSpan(0, Aead.NonceSize), AssociatedData(contact.TheirDrop), plaintext, content.AsSpan(Aead.NonceSize));
            return EnvelopeFrame.Pad(FrameKind, content, EnvelopeSizes.All);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The type and body of an envelope from <paramref name="contact"/> in our drop, or null when it is not one (altered, from someone else, or malformed).</summary>
    public static (PairwiseMessageType Type, byte[] Body)? TryOpen(ContactRecord contact, ReadOnlySpan<byte> envelope)
    {
        if (EnvelopeFrame.TryOpen(envelope) is not var (kind, content) || kind != FrameKind || content.Length < Aead.NonceSize + Aead.TagSize + 1)
        {
            return null;
        }

        using var key = DirectionKey(contact, sending: false);
        var plaintext = new byte[content.Length - Aead.NonceSize - Aead.TagSize];
        if (!Aead.Decrypt(key, content.AsSpan(0, Aead.NonceSize), AssociatedData(contact.OurDrop), content.AsSpan(Aead.NonceSize), plaintext))
        {
            return null;
        }

        return ((PairwiseMessageType)plaintext[0], plaintext[1..]);
    }

    private static byte[] AssociatedData(byte[] drop) => [.. "courier pairwise v1"u8, .. drop];

    /// <summary>The key of one direction: first-to-second or second-to-first.</summary>
    private static Key DirectionKey(ContactRecord contact, bool sending)
    {
        var fromFirst = contact.WeAreFirst == sending;
        Span<byte> okm = stackalloc byte[32];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, contact.PairwiseSecret, okm, salt: default, fromFirst ? "courier pairwise v1 first to second"u8 : "courier pairwise v1 second to first"u8);
            return Key.Import(Aead, okm, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(okm);
        }
    }
}
