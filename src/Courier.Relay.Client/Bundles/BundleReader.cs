using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Relay.Client.Bundles;

/// <summary>What one of the reader's keys opened: the index of the key, when the bundle was made and the entries of its section.</summary>
public sealed record OpenedSection(int KeyIndex, long CreatedAt, IReadOnlyList<BundleEntry> Entries)
{
    /// <summary>For a drop a relay exported (<see cref="BundleSection.DropKeys"/>): the keys it was created with; its entries carry no authorization.</summary>
    public byte[]? DropKeys { get; init; }
}

/// <summary>
/// Opens a bundle with the keys at hand. Everything is verified before anything is returned: the
/// size, a slot for one of the keys, the MAC over the whole file, every block of every section the
/// keys open, and each section's encoding; any failure refuses the whole bundle.
/// </summary>
public static class BundleReader
{
    /// <summary>
    /// Whether <paramref name="candidate"/> is a bundle with a slot for one of <paramref name="keys"/>:
    /// a size check and, per key, one X25519 (relay) and a few dozen HKDF expansions, no block decrypted.
    /// Anything else (random bytes, a bundle for others) answers false alike.
    /// </summary>
    public static bool Recognizes(ReadOnlySpan<byte> candidate, IReadOnlyList<BundleKey> keys)
        => BundleFormat.IsSize(candidate.Length) && FindSlots(candidate, keys).Count > 0;

    /// <summary>The sections of <paramref name="bundle"/> that <paramref name="keys"/> open, all verified.</summary>
    /// <exception cref="BundleException">The bundle is refused (<see cref="BundleException.Reason"/> says why); nothing of it is returned.</exception>
    public static IReadOnlyList<OpenedSection> Open(ReadOnlySpan<byte> bundle, IReadOnlyList<BundleKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!BundleFormat.IsSize(bundle.Length))
        {
            throw new BundleException(BundleRefusal.NotABundleSize, $"The file is {bundle.Length} bytes, which is none of the bundle sizes ({string.Join(", ", BundleFormat.Sizes.Select(s => $"{s / 1024} KiB"))}): it was cut short or is not a bundle. Nothing was imported.");
        }

        var slots = FindSlots(bundle, keys);
        try
        {
            if (slots.Count == 0)
            {
                throw new BundleException(BundleRefusal.NothingForYou, "Nothing in this bundle is for this holder: it was made for other relays or cells, or altered. Nothing was imported.");
            }

            var fileKey = slots[0].FileKey;
            if (slots.Any(s => !CryptographicOperations.FixedTimeEquals(s.FileKey, fileKey))
                || !CryptographicOperations.FixedTimeEquals(BundleWriter.Mac(bundle, fileKey), bundle.Slice(BundleFormat.MacOffset, BundleFormat.MacSize)))
            {
                throw Altered();
            }

            var sections = new List<OpenedSection>();
            foreach (var slot in slots)
            {
                var plaintext = OpenSection(bundle, slot);
                var decoded = BundleSectionCodec.Decode(plaintext);
                CryptographicOperations.ZeroMemory(plaintext);
                sections.Add(decoded is { } d ? new OpenedSection(slot.KeyIndex, d.CreatedAt, d.Entries) { DropKeys = d.DropKeys } : throw Altered());
            }

            return sections;
        }
        finally
        {
            foreach (var slot in slots)
            {
                CryptographicOperations.ZeroMemory(slot.FileKey);
                CryptographicOperations.ZeroMemory(slot.SectionKey);
            }
        }
    }

    private static BundleException Altered()
        => new(BundleRefusal.Altered, "The bundle was altered, cut short and padded, or put together from pieces of others: its seal does not verify. Nothing was imported.");

    private static byte[] OpenSection(ReadOnlySpan<byte> bundle, Slot slot)
    {
        if (slot.Count < 1 || slot.First < 0 || slot.First > BundleFormat.BlockCount(bundle.Length) - slot.Count)
        {
            throw Altered();
        }

        var ephemeral = Ephemeral(bundle);
        var plaintext = new byte[slot.Count * BundleFormat.BlockContent];
        using var aead = new ChaCha20Poly1305(slot.SectionKey);
        for (var i = 0; i < slot.Count; i++)
        {
            var block = bundle.Slice(BundleFormat.HeaderSize + ((slot.First + i) * BundleFormat.BlockSize), BundleFormat.BlockSize);
            try
            {
                aead.Decrypt(BundleWriter.BlockNonce(i, slot.Count), block[..BundleFormat.BlockContent], block[BundleFormat.BlockContent..], plaintext.AsSpan(i * BundleFormat.BlockContent, BundleFormat.BlockContent), ephemeral);
            }
            catch (AuthenticationTagMismatchException)
            {
                CryptographicOperations.ZeroMemory(plaintext);
                throw Altered();
            }
        }

        return plaintext;
    }

    /// <summary>The ephemeral key with its randomized top bit cleared.</summary>
    private static byte[] Ephemeral(ReadOnlySpan<byte> bundle)
    {
        var ephemeral = bundle[..BundleFormat.EphemeralSize].ToArray();
        ephemeral[31] &= 0x7F;
        return ephemeral;
    }

    private static List<Slot> FindSlots(ReadOnlySpan<byte> bundle, IReadOnlyList<BundleKey> keys)
    {
        var found = new List<Slot>();
        if (bundle.Length < BundleFormat.HeaderSize)
        {
            return found;
        }

        var ephemeral = Ephemeral(bundle);
        for (var k = 0; k < keys.Count; k++)
        {
            if (keys[k].Secret(ephemeral) is not { } secret)
            {
                continue;
            }

            for (var j = 0; j < BundleFormat.SlotCount; j++)
            {
                var (id, key) = BundleKdf.Slot(secret, j);
                var slot = bundle.Slice(BundleFormat.SlotsOffset + (j * BundleFormat.SlotSize), BundleFormat.SlotSize);
                if (CryptographicOperations.FixedTimeEquals(id, slot[..BundleFormat.SlotIdSize]) && TryOpenSlot(slot, key, ephemeral, k) is { } opened)
                {
                    found.Add(opened);
                }

                CryptographicOperations.ZeroMemory(key);
            }

            CryptographicOperations.ZeroMemory(secret);
        }

        return found;
    }

    private static Slot? TryOpenSlot(ReadOnlySpan<byte> slot, byte[] key, byte[] ephemeral, int keyIndex)
    {
        var content = new byte[BundleFormat.SlotContent];
        try
        {
            using var aead = new ChaCha20Poly1305(key);
            aead.Decrypt(new byte[12], slot.Slice(BundleFormat.SlotIdSize, BundleFormat.SlotContent), slot[(BundleFormat.SlotIdSize + BundleFormat.SlotContent)..], content, ephemeral);
            return new Slot(keyIndex, content[..32], content[32..64], BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(64)), BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(68)));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    private sealed record Slot(int KeyIndex, byte[] FileKey, byte[] SectionKey, int First, int Count);
}
