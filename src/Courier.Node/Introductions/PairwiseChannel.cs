using System.Buffers.Binary;
using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Node.Relay;
using Courier.Relay.Client;
using Courier.Node.Wire;
using NSec.Cryptography;

namespace Courier.Node.Introductions;

/// <summary>
/// Control messages between two contacts through their dead drops (docs/node.md, "Pairwise
/// channel"): <see cref="SealedEnvelope"/>s under a key per direction, derived with HKDF-SHA256 from
/// the contact's pairwise secret, for the destination drop (its name is the associated data), so a
/// relay sees random bytes of a bucket size. Each message carries, inside the ciphertext, the sender's next sequence number for this
/// contact, which the receiver checks against its <see cref="ReplayWindow"/>: a relay (or anyone
/// who can append to the drop) that appends an old envelope again changes nothing. A message the
/// sender also signs (an introduction) carries its signature inside.
/// Sealed content: <c>u8 type || u64 sequence || body</c>.
/// </summary>
internal static class PairwiseChannel
{
    /// <summary>The frame kind of a pairwise envelope.</summary>
    public const byte FrameKind = 0x10;

    private const int HeaderSize = 1 + 8;

    /// <summary>The envelope of message number <paramref name="sequence"/> to <paramref name="contact"/> (<see cref="PairwiseOutbox.Queue"/> numbers them).</summary>
    public static byte[] Seal(ContactRecord contact, long sequence, PairwiseMessageType type, ReadOnlySpan<byte> body)
    {
        using var key = DirectionKey(contact, sending: true);
        var plaintext = new byte[HeaderSize + body.Length];
        try
        {
            plaintext[0] = (byte)type;
            BinaryPrimitives.WriteInt64BigEndian(plaintext.AsSpan(1), sequence);
            body.CopyTo(plaintext.AsSpan(HeaderSize));
            return SealedEnvelope.Seal(key, DropName.FromBytes(contact.TheirDrop), FrameKind, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The type, sequence number and body of an envelope from <paramref name="contact"/> in our drop, or null when it is not one (altered, from someone else, or malformed).</summary>
    public static (PairwiseMessageType Type, long Sequence, byte[] Body)? TryOpen(ContactRecord contact, ReadOnlySpan<byte> envelope)
    {
        using var key = DirectionKey(contact, sending: false);
        if (SealedEnvelope.TryOpen(key, DropName.FromBytes(contact.OurDrop), envelope) is not var (kind, plaintext) || kind != FrameKind || plaintext.Length < HeaderSize)
        {
            return null;
        }

        return ((PairwiseMessageType)plaintext[0], BinaryPrimitives.ReadInt64BigEndian(plaintext.AsSpan(1)), plaintext[HeaderSize..]);
    }

    /// <summary>Appends <paramref name="envelope"/> to <paramref name="contact"/>'s drop, signed with its append key.</summary>
    public static async Task<long> AppendAsync(IRelay relay, ContactRecord contact, byte[] envelope, MessageId messageId, CancellationToken cancellationToken)
    {
        using var appendKey = AppendKey(contact.PairwiseSecret, contact.WeAreFirst, sending: true);
        return await relay.AppendAsync(DropName.FromBytes(contact.TheirDrop), appendKey, envelope, messageId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The append key of one direction's drop (docs/relay-api.md, "Write-authorized drops"): both
    /// contacts derive it from their pairwise secret, the reader registers it when it creates its
    /// drop, the writer signs with it, and nobody else can append.
    /// </summary>
    public static DropAppendKey AppendKey(ReadOnlySpan<byte> pairwiseSecret, bool weAreFirst, bool sending)
        => Derive(pairwiseSecret, weAreFirst == sending, "courier pairwise v3 append key first to second"u8, "courier pairwise v3 append key second to first"u8, seed => DropAppendKey.Import(seed));

    /// <summary>The key of one direction: first-to-second or second-to-first.</summary>
    private static Key DirectionKey(ContactRecord contact, bool sending)
        => Derive(contact.PairwiseSecret, contact.WeAreFirst == sending, "courier pairwise v3 first to second"u8, "courier pairwise v3 second to first"u8, seed => SealedEnvelope.ImportKey(seed));

    private delegate T Importer<out T>(ReadOnlySpan<byte> seed);

    private static T Derive<T>(ReadOnlySpan<byte> pairwiseSecret, bool fromFirst, ReadOnlySpan<byte> firstToSecond, ReadOnlySpan<byte> secondToFirst, Importer<T> import)
    {
        Span<byte> okm = stackalloc byte[32];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, pairwiseSecret, okm, salt: default, fromFirst ? firstToSecond : secondToFirst);
            return import(okm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(okm);
        }
    }
}
