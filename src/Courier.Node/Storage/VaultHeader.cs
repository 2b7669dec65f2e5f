using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Node.Storage;

/// <summary>
/// The file <c>vault.key</c>: how to turn a passphrase into the key that unwraps a vault key, and two
/// key slots (docs/panic.md, "Duress"). Nothing in it is secret. Format 2 (big-endian, 229 bytes):
/// <code>
/// magic "COURIERV" (8) | format u16 = 2 | kdf u8 = 1 (Argon2id v1.3) | memory_kib u32 | passes u32
/// | salt (16) | vault_id (16) | slot 0 | slot 1 | checksum (32)
/// slot = nonce (24) | XChaCha20-Poly1305(KEK, vault key (32) || flags (1), ad = everything before slot 0 || slot index) (49)
/// </code>
/// One slot holds the vault key under the passphrase, at a random index; the other the duress
/// vault's key under the duress passphrase, or random bytes, which no examiner can tell apart from a
/// wrap without the passphrase. Both use the one salt, so a passphrase is stretched once and tried
/// on both slots: every open does the same work. Format 1 (155 bytes, one slot whose plaintext is the
/// key alone, ad = everything before the nonce) is still read; every header written is of format 2.
/// The SHA-256 checksum tells accidental damage ("corrupted") apart from a passphrase that does not
/// unwrap ("wrong passphrase"); it is not a security measure.
/// </summary>
internal sealed class VaultHeader
{
    public const string FileName = "vault.key";
    public const int SaltSize = 16;
    public const int VaultIdSize = 16;
    public const int NonceSize = 24;
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const ushort Format = 2;
    public const ushort LegacyFormat = 1;
    public const byte KdfArgon2id13 = 1;
    public const int SlotCount = 2;

    /// <summary>A slot's plaintext: the vault key and one byte of flags.</summary>
    public const int SlotPlaintextSize = KeySize + 1;

    /// <summary>A format-2 slot: nonce and wrapped key with its flags.</summary>
    public const int SlotSize = NonceSize + SlotPlaintextSize + TagSize;

    /// <summary>The flag of a duress slot that wipes the other vault when it is opened.</summary>
    public const byte WipeOtherFlag = 1;

    private const int AuthenticatedSize = 8 + 2 + 1 + 4 + 4 + SaltSize + VaultIdSize;
    private const int LegacySlotSize = NonceSize + KeySize + TagSize;
    private const int ChecksumSize = 32;

    /// <summary>The size of a header of the current format.</summary>
    public const int Size = AuthenticatedSize + SlotCount * SlotSize + ChecksumSize;

    private const int LegacySize = AuthenticatedSize + LegacySlotSize + ChecksumSize;

    private static ReadOnlySpan<byte> Magic => "COURIERV"u8;

    public VaultHeader(VaultKdfParameters kdf, byte[] salt, byte[] vaultId, IReadOnlyList<byte[]> slots, ushort format = Format)
    {
        Kdf = kdf;
        Salt = salt;
        VaultId = vaultId;
        Slots = slots;
        FormatVersion = format;
    }

    public VaultKdfParameters Kdf { get; }

    public byte[] Salt { get; }

    public byte[] VaultId { get; }

    /// <summary>Each slot's nonce and wrapped key: two in format 2, one in format 1.</summary>
    public IReadOnlyList<byte[]> Slots { get; }

    public ushort FormatVersion { get; }

    /// <summary>A slot of random bytes, as long as a wrap: a slot no passphrase opens.</summary>
    public static byte[] RandomSlot() => RandomNumberGenerator.GetBytes(SlotSize);

    /// <summary>The associated data of slot <paramref name="slot"/>'s wrap: everything before the slots, and (format 2) the slot's index.</summary>
    public byte[] AssociatedData(int slot)
    {
        var bytes = new byte[AuthenticatedSize];
        WriteAuthenticatedPart(bytes, FormatVersion);
        return FormatVersion == LegacyFormat ? bytes : [.. bytes, (byte)slot];
    }

    /// <summary>The header with slot <paramref name="index"/> replaced.</summary>
    public VaultHeader WithSlot(int index, byte[] slot)
    {
        var slots = Slots.ToArray();
        slots[index] = slot;
        return new VaultHeader(Kdf, Salt, VaultId, slots, FormatVersion);
    }

    public byte[] Encode()
    {
        if (FormatVersion != Format)
        {
            throw new InvalidOperationException("Only format-2 headers are written.");
        }

        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        WriteAuthenticatedPart(span, Format);
        for (var i = 0; i < SlotCount; i++)
        {
            Slots[i].CopyTo(span[(AuthenticatedSize + (i * SlotSize))..]);
        }

        SHA256.HashData(span[..^ChecksumSize], span[^ChecksumSize..]);
        return bytes;
    }

    /// <exception cref="VaultCorruptedException">The bytes are not an intact header of a known format.</exception>
    public static VaultHeader Decode(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length is not (Size or LegacySize) || !bytes[..8].SequenceEqual(Magic))
        {
            throw Corrupted(path, "it is not a Courier vault header");
        }

        Span<byte> checksum = stackalloc byte[ChecksumSize];
        SHA256.HashData(bytes[..^ChecksumSize], checksum);
        if (!checksum.SequenceEqual(bytes[^ChecksumSize..]))
        {
            throw Corrupted(path, "its checksum does not match");
        }

        var format = BinaryPrimitives.ReadUInt16BigEndian(bytes[8..]);
        if (format != (bytes.Length == Size ? Format : LegacyFormat) || bytes[10] != KdfArgon2id13)
        {
            throw Corrupted(path, "its format is unknown to this version of Courier");
        }

        long memory = BinaryPrimitives.ReadUInt32BigEndian(bytes[11..]);
        long passes = BinaryPrimitives.ReadUInt32BigEndian(bytes[15..]);
        if (!VaultKdfParameters.AreValid(memory, passes))
        {
            throw Corrupted(path, "its key-stretching parameters are out of range");
        }

        var slotSize = format == Format ? SlotSize : LegacySlotSize;
        var slots = new byte[format == Format ? SlotCount : 1][];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = bytes.Slice(AuthenticatedSize + (i * slotSize), slotSize).ToArray();
        }

        return new VaultHeader(new VaultKdfParameters(memory, passes), bytes.Slice(19, SaltSize).ToArray(), bytes.Slice(19 + SaltSize, VaultIdSize).ToArray(), slots, format);
    }

    /// <summary>Replaces the header file atomically: a new file, flushed to disk, renamed over the old one, and the rename flushed (the directory's fsync).</summary>
    public void WriteAtomically(string path)
    {
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encode());
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        Interop.Posix.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private void WriteAuthenticatedPart(Span<byte> span, ushort format)
    {
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], format);
        span[10] = KdfArgon2id13;
        BinaryPrimitives.WriteUInt32BigEndian(span[11..], checked((uint)Kdf.MemoryKiB));
        BinaryPrimitives.WriteUInt32BigEndian(span[15..], checked((uint)Kdf.Passes));
        Salt.CopyTo(span[19..]);
        VaultId.CopyTo(span[(19 + SaltSize)..]);
    }

    private static VaultCorruptedException Corrupted(string path, string reason)
        => new($"The vault header {path} is damaged: {reason}. Restore the home directory from a backup.");
}
