using System.Security.Cryptography;
using NSec.Cryptography;

namespace Courier.Node.Storage;

/// <summary>
/// The header's two key slots (<see cref="VaultHeader"/>, docs/panic.md "Duress"): the vault key
/// under the passphrase, and the duress vault's key under the duress passphrase or random bytes.
/// Both vaults keep their rows in the one database, under their own keys and tags.
/// </summary>
internal sealed partial class Vault
{
    /// <summary>Argon2id evaluations and slot unwraps tried on this thread: the work of an open, which tests compare across passphrases.</summary>
    [ThreadStatic]
    private static (int Argon2id, int Unwraps) t_work;

    /// <summary>The slot this vault's key was unwrapped from.</summary>
    private int _slot;

    /// <summary>The slot this vault's key was unwrapped from (random at creation), for tests.</summary>
    internal int Slot => _slot;

    /// <summary>The work done on this thread since the last call (Argon2id evaluations, slots tried), for tests.</summary>
    internal static (int Argon2id, int Unwraps) TakeWork()
    {
        var work = t_work;
        t_work = default;
        return work;
    }

    /// <summary>
    /// Re-wraps the vault key under a new passphrase in its slot. With other Argon2id parameters (or
    /// a format-1 header) the whole header is new, with a new salt, and the other slot random: a duress
    /// passphrase set before no longer opens anything (docs/panic.md).
    /// </summary>
    public void ChangePassphrase(ReadOnlySpan<char> current, ReadOnlySpan<char> next, VaultKdfParameters? kdf)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckPassphrase(next);
        var vaultKey = new byte[VaultHeader.KeySize];
        try
        {
            var flags = ProveOwnPassphrase(current, vaultKey, "the passphrase was not changed");
            kdf ??= _header.Kdf;
            if (_header.FormatVersion != VaultHeader.Format || kdf != _header.Kdf)
            {
                Replace(NewHeader(vaultKey, next, kdf, _header.VaultId, flags, out var slot), slot);
                return;
            }

            using var kek = DeriveKeyEncryptionKey(next, _header.Kdf, _header.Salt);
            if (_header.Slots.Count == VaultHeader.SlotCount)
            {
                CheckDoesNotOpen(kek, _header, 1 - _slot, "The new passphrase must differ from the duress passphrase.");
            }

            Replace(_header.WithSlot(_slot, SealSlot(kek, _header, _slot, vaultKey, flags)), _slot);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(vaultKey);
        }
    }

    /// <summary>
    /// Puts a new, empty duress vault under <paramref name="duress"/> in the other slot (what an earlier
    /// one held is deleted); with <paramref name="wipeOnOpen"/>, opening it destroys this vault.
    /// </summary>
    public void SetDuress(ReadOnlySpan<char> current, ReadOnlySpan<char> duress, bool wipeOnOpen)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckPassphrase(duress);
        var vaultKey = new byte[VaultHeader.KeySize];
        var duressKey = RandomNumberGenerator.GetBytes(VaultHeader.KeySize);
        try
        {
            var flags = ProveOwnPassphrase(current, vaultKey, "no duress passphrase was set");
            var header = _header;
            var slot = _slot;
            if (header.FormatVersion != VaultHeader.Format)
            {
                header = NewHeader(vaultKey, current, header.Kdf, header.VaultId, flags, out slot);
            }

            using var kek = DeriveKeyEncryptionKey(duress, header.Kdf, header.Salt);
            CheckDoesNotOpen(kek, header, slot, "The duress passphrase must differ from the passphrase.");
            var other = 1 - slot;
            DeleteOtherRows();
            Replace(header.WithSlot(other, SealSlot(kek, header, other, duressKey, wipeOnOpen ? VaultHeader.WipeOtherFlag : (byte)0)), slot);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(vaultKey);
            CryptographicOperations.ZeroMemory(duressKey);
        }
    }

    /// <summary>Opened from a duress slot with the wipe flag: the other slot becomes random bytes (its key is gone), then its rows are deleted.</summary>
    private void WipeOtherSlot()
    {
        Replace(_header.WithSlot(1 - _slot, VaultHeader.RandomSlot()), _slot);
        DeleteOtherRows();
    }

    /// <summary>Deletes every row that is not of one of this vault's collections (the other slot's vault), then removes their images from the WAL.</summary>
    private void DeleteOtherRows()
    {
        using var transaction = Database.Begin();
        Database.DeleteAllBut(transaction, Enum.GetValues<VaultCollection>().Select(CollectionTag).ToList());
        transaction.Commit();
        Database.Checkpoint();
    }

    private void Replace(VaultHeader header, int slot)
    {
        header.WriteAtomically(Path.Combine(_home, VaultHeader.FileName));
        _header = header;
        _slot = slot;
    }

    /// <summary>Unwraps this vault's key with <paramref name="passphrase"/>, or throws; returns its slot's flags.</summary>
    private byte ProveOwnPassphrase(ReadOnlySpan<char> passphrase, Span<byte> vaultKey, string unchanged)
    {
        var opened = UnwrapVaultKey(_header, passphrase, vaultKey);
        return opened is { } o && o.Index == _slot ? o.Flags : throw new WrongPassphraseException($"The current passphrase is wrong; {unchanged}.");
    }

    /// <summary>Refuses a passphrase (as <paramref name="kek"/>) that opens slot <paramref name="slot"/>: the two passphrases of a home must differ.</summary>
    private static void CheckDoesNotOpen(Key kek, VaultHeader header, int slot, string message)
    {
        Span<byte> scratch = stackalloc byte[VaultHeader.KeySize];
        var opened = TryEverySlot(kek, header, scratch);
        CryptographicOperations.ZeroMemory(scratch);
        if (opened?.Index == slot)
        {
            throw new ArgumentException(message);
        }
    }

    /// <summary>A format-2 header for <paramref name="vaultKey"/> under <paramref name="passphrase"/>: a new salt, the key at a random slot, the other slot random.</summary>
    private static VaultHeader NewHeader(ReadOnlySpan<byte> vaultKey, ReadOnlySpan<char> passphrase, VaultKdfParameters kdf, byte[] vaultId, byte flags, out int slot)
    {
        slot = RandomNumberGenerator.GetInt32(VaultHeader.SlotCount);
        var header = new VaultHeader(kdf, RandomNumberGenerator.GetBytes(VaultHeader.SaltSize), vaultId, [VaultHeader.RandomSlot(), VaultHeader.RandomSlot()]);
        using var kek = DeriveKeyEncryptionKey(passphrase, kdf, header.Salt);
        return header.WithSlot(slot, SealSlot(kek, header, slot, vaultKey, flags));
    }

    private static byte[] SealSlot(Key kek, VaultHeader header, int slot, ReadOnlySpan<byte> vaultKey, byte flags)
    {
        var nonce = RandomNumberGenerator.GetBytes(VaultHeader.NonceSize);
        Span<byte> plaintext = stackalloc byte[VaultHeader.SlotPlaintextSize];
        vaultKey.CopyTo(plaintext);
        plaintext[^1] = flags;
        try
        {
            return [.. nonce, .. Wrap.Encrypt(kek, nonce, header.AssociatedData(slot), plaintext)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Stretches the passphrase once and tries it on every slot, all of them whichever opens, so that
    /// opening the vault, the duress vault, or nothing takes the same work; the first slot that opens.
    /// </summary>
    private static OpenedSlot? UnwrapVaultKey(VaultHeader header, ReadOnlySpan<char> passphrase, Span<byte> vaultKey)
    {
        using var kek = DeriveKeyEncryptionKey(passphrase, header.Kdf, header.Salt);
        return TryEverySlot(kek, header, vaultKey);
    }

    private static OpenedSlot? TryEverySlot(Key kek, VaultHeader header, Span<byte> vaultKey)
    {
        OpenedSlot? opened = null;
        Span<byte> plaintext = stackalloc byte[VaultHeader.SlotPlaintextSize];
        for (var i = 0; i < header.Slots.Count; i++)
        {
            t_work.Unwraps++;
            var slot = header.Slots[i].AsSpan();
            var wrapped = slot[VaultHeader.NonceSize..];
            var unwrapped = plaintext[..(wrapped.Length - VaultHeader.TagSize)];
            if (Wrap.Decrypt(kek, slot[..VaultHeader.NonceSize], header.AssociatedData(i), wrapped, unwrapped) && opened is null)
            {
                unwrapped[..VaultHeader.KeySize].CopyTo(vaultKey);
                opened = new OpenedSlot(i, unwrapped.Length > VaultHeader.KeySize ? unwrapped[VaultHeader.KeySize] : (byte)0);
            }
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return opened;
    }

    /// <summary>Argon2id(UTF-8 passphrase, salt) into an XChaCha20-Poly1305 key held by libsodium.</summary>
    private static Key DeriveKeyEncryptionKey(ReadOnlySpan<char> passphrase, VaultKdfParameters kdf, byte[] salt)
    {
        t_work.Argon2id++;
        var argon2 = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = kdf.MemoryKiB,
            NumberOfPasses = kdf.Passes,
        });
        var password = GC.AllocateArray<byte>(System.Text.Encoding.UTF8.GetByteCount(passphrase), pinned: true);
        try
        {
            System.Text.Encoding.UTF8.GetBytes(passphrase, password);
            return argon2.DeriveKey(password, salt, Wrap);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }

    /// <summary>The slot a passphrase opened, and its flags.</summary>
    private sealed record OpenedSlot(int Index, byte Flags);
}
