using System.Buffers.Binary;
using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Relay.Client.Bundles;

/// <summary>Entries sealed once, for every recipient that may read them (all relays of a layer, or all members of a cell).</summary>
public sealed record BundleSection(IReadOnlyList<BundleRecipient> Recipients, IReadOnlyList<BundleEntry> Entries)
{
    /// <summary>
    /// Set when a relay exports one drop: the keys the drop was created with (read key, then append
    /// key, 64 bytes), so that a relay without it creates it. Then every entry is of that drop, in its
    /// order, and carries no authorization: a relay never holds a drop's append key.
    /// </summary>
    public byte[]? DropKeys { get; init; }
}

/// <summary>Writes a bundle (docs/bundles.md): every section in sealed blocks, a slot per recipient, random everywhere else.</summary>
public static class BundleWriter
{
    /// <summary>The bundle holding <paramref name="sections"/>, of the smallest size that holds them.</summary>
    /// <param name="sections">What to carry and to whom; a recipient may appear in several sections.</param>
    /// <param name="createdAt">Unix seconds, sealed into each section (a relay refuses bundles older than its retention).</param>
    /// <param name="progress">Told the fraction of blocks sealed so far.</param>
    /// <exception cref="BundleException"><see cref="BundleRefusal.TooLarge"/>: more than the largest size or than <see cref="BundleFormat.SlotCount"/> recipients.</exception>
    public static byte[] Write(IReadOnlyList<BundleSection> sections, long createdAt, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var plaintexts = sections.Select(s => BundleSectionCodec.Encode(createdAt, s)).ToList();
        var blocks = plaintexts.ConvertAll(p => Math.Max(1, (p.Length + BundleFormat.BlockContent - 1) / BundleFormat.BlockContent));
        var size = BundleFormat.SizeFor(blocks.Sum());
        if (size < 0)
        {
            throw new BundleException(BundleRefusal.TooLarge, $"What waits is {blocks.Sum() * (long)BundleFormat.BlockSize / 1024} KiB, more than the largest bundle holds ({BundleFormat.Sizes[^1] / (1024 * 1024)} MiB): export one cell or layer at a time, or with --since.");
        }

        var slotsNeeded = sections.Sum(s => s.Recipients.Count);
        if (slotsNeeded > BundleFormat.SlotCount)
        {
            throw new BundleException(BundleRefusal.TooLarge, $"One bundle has room for {BundleFormat.SlotCount} recipients (each relay of a layer, each cell), not {slotsNeeded}: export fewer cells or layers at a time.");
        }

        var bundle = new byte[size];
        RandomNumberGenerator.Fill(bundle);
        var scalar = RandomNumberGenerator.GetBytes(LibSodium.X25519Size);
        var fileKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            var ephemeral = new byte[LibSodium.X25519Size];
            LibSodium.X25519Base(ephemeral, scalar);

            // The top bit of a u-coordinate is always 0; it keeps the random bit already there.
            bundle[31] &= 0x80;
            bundle[31] |= ephemeral[31];
            ephemeral.AsSpan(0, 31).CopyTo(bundle);

            var slots = Enumerable.Range(0, BundleFormat.SlotCount).ToArray();
            RandomNumberGenerator.Shuffle(slots.AsSpan());
            var (nextSlot, firstBlock, sealedBlocks) = (0, 0, 0);
            for (var s = 0; s < sections.Count; s++)
            {
                var sectionKey = RandomNumberGenerator.GetBytes(32);
                try
                {
                    SealSection(bundle, ephemeral, sectionKey, plaintexts[s], firstBlock, blocks[s], ref sealedBlocks, blocks.Sum(), progress);
                    foreach (var recipient in sections[s].Recipients)
                    {
                        var secret = recipient.Secret(scalar, ephemeral);
                        SealSlot(bundle, ephemeral, secret, slots[nextSlot++], fileKey, sectionKey, firstBlock, blocks[s]);
                        CryptographicOperations.ZeroMemory(secret);
                    }
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(sectionKey);
                    CryptographicOperations.ZeroMemory(plaintexts[s]);
                }

                firstBlock += blocks[s];
            }

            Mac(bundle, fileKey).CopyTo(bundle.AsSpan(BundleFormat.MacOffset));
            return bundle;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>HMAC-SHA256 under the file key over every byte but the MAC's own: one flipped bit anywhere, padding included, fails it.</summary>
    internal static byte[] Mac(ReadOnlySpan<byte> bundle, byte[] fileKey)
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, fileKey);
        mac.AppendData(bundle[..BundleFormat.MacOffset]);
        mac.AppendData(bundle[(BundleFormat.MacOffset + BundleFormat.MacSize)..]);
        return mac.GetHashAndReset();
    }

    /// <summary>Block <paramref name="index"/> of a section of <paramref name="count"/> blocks: its number and the count in the nonce, so blocks cannot be reordered, dropped or moved between sections.</summary>
    internal static byte[] BlockNonce(int index, int count)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(nonce, index);
        BinaryPrimitives.WriteInt32BigEndian(nonce.AsSpan(4), count);
        return nonce;
    }

    private static void SealSection(byte[] bundle, byte[] ephemeral, byte[] sectionKey, byte[] plaintext, int firstBlock, int count, ref int sealedBlocks, int totalBlocks, IProgress<double>? progress)
    {
        using var aead = new ChaCha20Poly1305(sectionKey);
        var block = new byte[BundleFormat.BlockContent];
        for (var i = 0; i < count; i++)
        {
            Array.Clear(block);
            var from = i * BundleFormat.BlockContent;
            plaintext.AsSpan(from, Math.Min(BundleFormat.BlockContent, plaintext.Length - from)).CopyTo(block);
            var at = BundleFormat.HeaderSize + ((firstBlock + i) * BundleFormat.BlockSize);
            aead.Encrypt(BlockNonce(i, count), block, bundle.AsSpan(at, BundleFormat.BlockContent), bundle.AsSpan(at + BundleFormat.BlockContent, BundleFormat.TagSize), ephemeral);
            if (++sealedBlocks % 256 == 0)
            {
                progress?.Report((double)sealedBlocks / totalBlocks);
            }
        }

        CryptographicOperations.ZeroMemory(block);
    }

    private static void SealSlot(byte[] bundle, byte[] ephemeral, byte[] secret, int slot, byte[] fileKey, byte[] sectionKey, int firstBlock, int count)
    {
        var (id, key) = BundleKdf.Slot(secret, slot);
        var content = new byte[BundleFormat.SlotContent];
        try
        {
            fileKey.CopyTo(content, 0);
            sectionKey.CopyTo(content, 32);
            BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(64), firstBlock);
            BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(68), count);
            var at = BundleFormat.SlotsOffset + (slot * BundleFormat.SlotSize);
            id.CopyTo(bundle, at);
            using var aead = new ChaCha20Poly1305(key);

            // Each slot key seals one slot of one bundle: a zero nonce is never reused under it.
            aead.Encrypt(new byte[12], content, bundle.AsSpan(at + BundleFormat.SlotIdSize, BundleFormat.SlotContent), bundle.AsSpan(at + BundleFormat.SlotIdSize + BundleFormat.SlotContent, BundleFormat.TagSize), ephemeral);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
