using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Courier.Sodium;

namespace Courier.Relay.Client.Bundles;

/// <summary>
/// One envelope a bundle carries to its drop: the sealed envelope as the sender's outbox holds it, its
/// message id (so a relay stores it once however often it arrives) and its append authorization: an
/// Ed25519 signature by the drop's append key over the drop, the id and the envelope's digest, with
/// no timestamp, so it stays valid while the bundle travels (docs/bundles.md, "Append authorization").
/// </summary>
public sealed record BundleEntry(DropName Drop, MessageId Id, byte[] Envelope, byte[] Authorization)
{
    /// <summary>An Ed25519 signature.</summary>
    public const int AuthorizationSize = 64;

    private const int FixedSize = DropName.Size + MessageId.Size + 4 + AuthorizationSize;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("courier-bundle-append-v1\n");

    /// <summary>An entry authorized by the drop's <paramref name="appendKey"/>.</summary>
    public static BundleEntry Authorize(DropAppendKey appendKey, DropName drop, MessageId id, byte[] envelope)
    {
        ArgumentNullException.ThrowIfNull(appendKey);
        return new BundleEntry(drop, id, envelope, appendKey.Sign(Signed(drop, id, envelope)));
    }

    /// <summary>Whether <see cref="Authorization"/> verifies with <paramref name="appendPublicKey"/> (the raw key the drop was created with).</summary>
    public bool IsAuthorizedBy(ReadOnlySpan<byte> appendPublicKey)
        => LibSodium.Ed25519Verify(Authorization, Signed(Drop, Id, Envelope), appendPublicKey);

    private static byte[] Signed(DropName drop, MessageId id, byte[] envelope)
        => [.. Context, .. drop.Bytes, .. id.Bytes, .. SHA256.HashData(envelope)];

    /// <summary>The plaintext of a section: <c>u64 created | u32 count | (drop | id | u32 length | envelope | authorization)*</c>.</summary>
    internal static byte[] EncodeSection(long createdAt, IReadOnlyList<BundleEntry> entries)
    {
        var bytes = new byte[12 + entries.Sum(e => FixedSize + e.Envelope.Length)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, createdAt);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), entries.Count);
        var at = 12;
        foreach (var entry in entries)
        {
            if (!EnvelopeSizes.IsAllowed(entry.Envelope.Length) || entry.Authorization.Length != AuthorizationSize)
            {
                throw new ArgumentException("A bundle entry holds an envelope of an allowed size and a 64-byte authorization.", nameof(entries));
            }

            entry.Drop.Bytes.CopyTo(bytes.AsSpan(at));
            entry.Id.Bytes.CopyTo(bytes.AsSpan(at + DropName.Size));
            at += DropName.Size + MessageId.Size;
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), entry.Envelope.Length);
            entry.Envelope.CopyTo(bytes.AsSpan(at + 4));
            at += 4 + entry.Envelope.Length;
            entry.Authorization.CopyTo(bytes.AsSpan(at));
            at += AuthorizationSize;
        }

        return bytes;
    }

    /// <summary>A section's creation time and entries, or null when the plaintext is malformed (then the bundle is refused whole).</summary>
    internal static (long CreatedAt, List<BundleEntry> Entries)? DecodeSection(ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length < 12)
        {
            return null;
        }

        var createdAt = BinaryPrimitives.ReadInt64BigEndian(plaintext);
        var count = BinaryPrimitives.ReadInt32BigEndian(plaintext[8..]);
        var rest = plaintext[12..];
        var entries = new List<BundleEntry>();
        for (var i = 0; i < count; i++)
        {
            if (rest.Length < FixedSize)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(rest[(DropName.Size + MessageId.Size)..]);
            if (!EnvelopeSizes.IsAllowed(length) || rest.Length < FixedSize + length)
            {
                return null;
            }

            var at = DropName.Size + MessageId.Size + 4;
            entries.Add(new BundleEntry(
                DropName.FromBytes(rest[..DropName.Size]),
                MessageId.FromBytes(rest.Slice(DropName.Size, MessageId.Size)),
                rest.Slice(at, length).ToArray(),
                rest.Slice(at + length, AuthorizationSize).ToArray()));
            rest = rest[(FixedSize + length)..];
        }

        // What follows the entries is the block padding, zeros inside the seal.
        return rest.ContainsAnyExcept((byte)0) ? null : (createdAt, entries);
    }
}
