using System.Buffers.Binary;

namespace Courier.Relay.Client.Bundles;

/// <summary>
/// The plaintext of a section (docs/bundles.md, "The format"): <c>u8 kind | u64 created | body</c>, then
/// zeros to the end of its last block. Kind 0, carried by a node: <c>u32 count | count × (drop | id |
/// u32 length | envelope | authorization)</c>. Kind 1, one drop a relay exported: <c>drop | keys (64) |
/// u32 count | count × (u64 seq | id | u32 length | envelope)</c>, in the drop's order (seq increasing).
/// </summary>
internal static class BundleSectionCodec
{
    private const byte Carried = 0;
    private const byte ExportedDrop = 1;
    private const int HeaderSize = 1 + 8 + 4;
    private const int CarriedFixed = DropName.Size + MessageId.Size + 4 + BundleEntry.AuthorizationSize;
    private const int ExportedFixed = 8 + MessageId.Size + 4;

    /// <summary>The keys of a write-authorized drop as a relay stores them: read key, then append key.</summary>
    public const int DropKeysSize = 64;

    public static byte[] Encode(long createdAt, BundleSection section)
    {
        var exported = section.DropKeys is not null;
        var entries = section.Entries;
        var prefix = exported ? DropName.Size + DropKeysSize : 0;
        var bytes = new byte[HeaderSize + prefix + entries.Sum(e => (exported ? ExportedFixed : CarriedFixed) + e.Envelope.Length)];
        bytes[0] = exported ? ExportedDrop : Carried;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), createdAt);
        var at = 9;
        if (section.DropKeys is { } keys)
        {
            if (keys.Length != DropKeysSize || entries.Count == 0 || entries.Any(e => e.Drop != entries[0].Drop) || entries[0].Seq < 1 || entries.Zip(entries.Skip(1)).Any(p => p.Second.Seq <= p.First.Seq))
            {
                throw new ArgumentException("An exported drop's section holds the entries of one drop, in increasing order of positive sequence numbers, and its 64 bytes of keys.", nameof(section));
            }

            entries[0].Drop.Bytes.CopyTo(bytes.AsSpan(at));
            keys.CopyTo(bytes, at + DropName.Size);
            at += prefix;
        }

        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), entries.Count);
        at += 4;
        foreach (var entry in entries)
        {
            if (!EnvelopeSizes.IsAllowed(entry.Envelope.Length) || entry.Authorization.Length != (exported ? 0 : BundleEntry.AuthorizationSize))
            {
                throw new ArgumentException("A bundle entry holds an envelope of an allowed size and, carried by a node, a 64-byte authorization.", nameof(section));
            }

            if (exported)
            {
                BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(at), entry.Seq);
                at += 8;
            }
            else
            {
                entry.Drop.Bytes.CopyTo(bytes.AsSpan(at));
                at += DropName.Size;
            }

            entry.Id.Bytes.CopyTo(bytes.AsSpan(at));
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at + MessageId.Size), entry.Envelope.Length);
            at += MessageId.Size + 4;
            entry.Envelope.CopyTo(bytes.AsSpan(at));
            at += entry.Envelope.Length;
            entry.Authorization.CopyTo(bytes.AsSpan(at));
            at += entry.Authorization.Length;
        }

        return bytes;
    }

    /// <summary>A section's creation time, entries and (for an exported drop) keys, or null when the plaintext is malformed (then the bundle is refused whole).</summary>
    public static (long CreatedAt, List<BundleEntry> Entries, byte[]? DropKeys)? Decode(ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length < HeaderSize || plaintext[0] is not (Carried or ExportedDrop))
        {
            return null;
        }

        var exported = plaintext[0] == ExportedDrop;
        var createdAt = BinaryPrimitives.ReadInt64BigEndian(plaintext[1..]);
        var rest = plaintext[9..];
        DropName? drop = null;
        byte[]? keys = null;
        if (exported)
        {
            if (rest.Length < DropName.Size + DropKeysSize + 4)
            {
                return null;
            }

            drop = DropName.FromBytes(rest[..DropName.Size]);
            keys = rest.Slice(DropName.Size, DropKeysSize).ToArray();
            rest = rest[(DropName.Size + DropKeysSize)..];
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(rest);
        if (count < (exported ? 1 : 0))
        {
            return null;
        }

        rest = rest[4..];
        var entries = new List<BundleEntry>();
        long seq = 0;
        for (var i = 0; i < count; i++)
        {
            var fixedSize = exported ? ExportedFixed : CarriedFixed;
            if (rest.Length < fixedSize)
            {
                return null;
            }

            var entryDrop = drop ?? DropName.FromBytes(rest[..DropName.Size]);
            var at = exported ? 8 : DropName.Size;
            var entrySeq = exported ? BinaryPrimitives.ReadInt64BigEndian(rest) : 0;
            if (exported && entrySeq <= seq)
            {
                return null;
            }

            seq = entrySeq;
            var id = MessageId.FromBytes(rest.Slice(at, MessageId.Size));
            var length = BinaryPrimitives.ReadInt32BigEndian(rest[(at + MessageId.Size)..]);
            if (!EnvelopeSizes.IsAllowed(length) || rest.Length < fixedSize + length)
            {
                return null;
            }

            at += MessageId.Size + 4;
            var authorization = rest.Slice(at + length, fixedSize - at).ToArray();
            entries.Add(new BundleEntry(entryDrop, id, rest.Slice(at, length).ToArray(), authorization) { Seq = seq });
            rest = rest[(fixedSize + length)..];
        }

        // What follows the entries is the block padding, zeros inside the seal.
        return rest.ContainsAnyExcept((byte)0) ? null : (createdAt, entries, keys);
    }
}
