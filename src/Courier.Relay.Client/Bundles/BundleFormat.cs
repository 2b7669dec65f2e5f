namespace Courier.Relay.Client.Bundles;

/// <summary>
/// The layout of a bundle (docs/bundles.md): a file of one of <see cref="Sizes"/>, every byte of
/// which looks random. It starts with a header block (an ephemeral X25519 key with its unused top bit
/// randomized, a MAC over the whole file, and <see cref="SlotCount"/> recipient slots, used or
/// random), followed by sealed blocks of <see cref="BlockSize"/> bytes: each recipient's section,
/// then random blocks to the end.
/// </summary>
public static class BundleFormat
{
    /// <summary>The only sizes a bundle has: 64 KiB × 4^k for k = 0..5 (64 KiB to 64 MiB).</summary>
    public static IReadOnlyList<int> Sizes { get; } = [.. Enumerable.Range(0, 6).Select(k => 65536 << (2 * k))];

    /// <summary>The size of one sealed block: ChaCha20-Poly1305 over <see cref="BlockContent"/> bytes and its tag.</summary>
    public const int BlockSize = 4096;

    /// <summary>What one block carries.</summary>
    public const int BlockContent = BlockSize - TagSize;

    /// <summary>The Poly1305 tag of a block or slot.</summary>
    public const int TagSize = 16;

    /// <summary>The header: ephemeral key, MAC and slots, the rest random.</summary>
    public const int HeaderSize = 2 * BlockSize;

    /// <summary>The ephemeral X25519 public key, at offset 0.</summary>
    public const int EphemeralSize = 32;

    /// <summary>Where the whole-file MAC (HMAC-SHA256) is: after the ephemeral key.</summary>
    public const int MacOffset = EphemeralSize;

    /// <summary>The MAC's size.</summary>
    public const int MacSize = 32;

    /// <summary>Where the slots start.</summary>
    public const int SlotsOffset = MacOffset + MacSize;

    /// <summary>How many slots every bundle has, used or not: how many (recipient, section) pairs one bundle can carry.</summary>
    public const int SlotCount = 64;

    /// <summary>A slot's id tag, by which its recipient finds it.</summary>
    public const int SlotIdSize = 16;

    /// <summary>What a slot seals: the file key (32), the section key (32), the first block and the block count (u32 each).</summary>
    public const int SlotContent = 72;

    /// <summary>A slot: id tag, then its sealed content and tag.</summary>
    public const int SlotSize = SlotIdSize + SlotContent + TagSize;

    /// <summary>
    /// How far a bundle's creation time may be from a relay's clock: a node that writes one is often
    /// offline, its clock unchecked. Ahead of the relay by more is refused; an age over the relay's
    /// retention by more is refused too.
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(1);

    /// <summary>How many blocks follow the header in a bundle of <paramref name="size"/> bytes.</summary>
    public static int BlockCount(int size) => (size - HeaderSize) / BlockSize;

    /// <summary>Whether <paramref name="length"/> is one of <see cref="Sizes"/>.</summary>
    public static bool IsSize(long length) => Sizes.Any(s => s == length);

    /// <summary>The smallest size with room for <paramref name="blocks"/> blocks, or -1 when even the largest has not.</summary>
    public static int SizeFor(int blocks) => Sizes.FirstOrDefault(s => BlockCount(s) >= blocks, -1);
}
