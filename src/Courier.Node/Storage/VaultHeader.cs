using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Node.Storage;

/// <summary>
/// The file <c>vault.key</c>: how to turn the passphrase into the key that unwraps the vault key,
/// and the wrapped vault key. Nothing in it is secret. Layout (big-endian, 155 bytes):
/// <code>
/// magic "COURIERV" (8) | format u16 = 1 | kdf u8 = 1 (Argon2id v1.3) | memory_kib u32 | passes u32
/// | salt (16) | vault_id (16) | nonce (24) | wrapped_key (32 + 16 tag) | checksum (32)
/// </code>
/// The wrap is XChaCha20-Poly1305 under the Argon2id output with everything before the nonce as
/// associated data, so the parameters, salt and id cannot be changed without failing the unwrap.
/// The SHA-256 checksum over everything before it tells accidental damage ("corrupted") apart from
/// a passphrase that does not unwrap ("wrong passphrase"); it is not a security measure.
/// </summary>
internal sealed class VaultHeader
{
    public const string FileName = "vault.key";
    public const int SaltSize = 16;
    public const int VaultIdSize = 16;
    public const int NonceSize = 24;
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const ushort Format = 1;
    public const byte KdfArgon2id13 = 1;

    private const int AuthenticatedSize = 8 + 2 + 1 + 4 + 4 + SaltSize + VaultIdSize;
    private const int ChecksumOffset = AuthenticatedSize + NonceSize + KeySize + TagSize;
    public const int Size = ChecksumOffset + 32;

    private static ReadOnlySpan<byte> Magic => "COURIERV"u8;

    public VaultHeader(VaultKdfParameters kdf, byte[] salt, byte[] vaultId, byte[] nonce, byte[] wrappedKey)
    {
        Kdf = kdf;
        Salt = salt;
        VaultId = vaultId;
        Nonce = nonce;
        WrappedKey = wrappedKey;
    }

    public VaultKdfParameters Kdf { get; }

    public byte[] Salt { get; }

    public byte[] VaultId { get; }

    public byte[] Nonce { get; }

    public byte[] WrappedKey { get; }

    /// <summary>The associated data of the key wrap: everything before the nonce.</summary>
    public byte[] AuthenticatedPart() => Encode()[..AuthenticatedSize];

    public byte[] Encode()
    {
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], Format);
        span[10] = KdfArgon2id13;
        BinaryPrimitives.WriteUInt32BigEndian(span[11..], checked((uint)Kdf.MemoryKiB));
        BinaryPrimitives.WriteUInt32BigEndian(span[15..], checked((uint)Kdf.Passes));
        Salt.CopyTo(span[19..]);
        VaultId.CopyTo(span[(19 + SaltSize)..]);
        Nonce.CopyTo(span[AuthenticatedSize..]);
        WrappedKey.CopyTo(span[(AuthenticatedSize + NonceSize)..]);
        SHA256.HashData(span[..ChecksumOffset], span[ChecksumOffset..]);
        return bytes;
    }

    /// <exception cref="VaultCorruptedException">The bytes are not an intact header of a known format.</exception>
    public static VaultHeader Decode(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length != Size || !bytes[..8].SequenceEqual(Magic))
        {
            throw Corrupted(path, "it is not a Courier vault header");
        }

        Span<byte> checksum = stackalloc byte[32];
        SHA256.HashData(bytes[..ChecksumOffset], checksum);
        if (!checksum.SequenceEqual(bytes[ChecksumOffset..]))
        {
            throw Corrupted(path, "its checksum does not match");
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(bytes[8..]) != Format || bytes[10] != KdfArgon2id13)
        {
            throw Corrupted(path, "its format is unknown to this version of Courier");
        }

        long memory = BinaryPrimitives.ReadUInt32BigEndian(bytes[11..]);
        long passes = BinaryPrimitives.ReadUInt32BigEndian(bytes[15..]);
        if (!VaultKdfParameters.AreValid(memory, passes))
        {
            throw Corrupted(path, "its key-stretching parameters are out of range");
        }

        return new VaultHeader(
            new VaultKdfParameters(memory, passes),
            bytes.Slice(19, SaltSize).ToArray(),
            bytes.Slice(19 + SaltSize, VaultIdSize).ToArray(),
            bytes.Slice(AuthenticatedSize, NonceSize).ToArray(),
            bytes.Slice(AuthenticatedSize + NonceSize, KeySize + TagSize).ToArray());
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

    private static VaultCorruptedException Corrupted(string path, string reason)
        => new($"The vault header {path} is damaged: {reason}. Restore the home directory from a backup.");
}
