using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using NSec.Cryptography;

namespace Courier.Node.Storage;

/// <summary>
/// A node's encrypted store in its home directory (docs/node.md, "Vault"): <c>vault.key</c>
/// (<see cref="VaultHeader"/>) wraps a random 32-byte vault key under Argon2id(passphrase, salt);
/// <c>vault.db</c> (<see cref="VaultDatabase"/>) holds records sealed under keys derived from it;
/// <c>courier.lock</c> (<see cref="HomeLock"/>) keeps a second node out. Record plaintexts are padded
/// to a multiple of <see cref="PaddingQuantum"/> bytes, so sizes reveal little.
/// </summary>
internal sealed partial class Vault : IDisposable
{
    /// <summary>Record plaintexts are padded to a multiple of this many bytes.</summary>
    public const int PaddingQuantum = 256;

    /// <summary>The size of a record id.</summary>
    public const int IdSize = 16;

    private static readonly AeadAlgorithm Wrap = AeadAlgorithm.XChaCha20Poly1305;

    private readonly string _home;
    private readonly HomeLock _lock;
    private readonly VaultDatabase _database;
    private readonly VaultKeys _keys;
    private VaultHeader _header;
    private bool _disposed;

    private Vault(string home, HomeLock homeLock, VaultHeader header, VaultDatabase database, VaultKeys keys)
    {
        _home = home;
        _lock = homeLock;
        _header = header;
        _database = database;
        _keys = keys;
    }

    /// <summary>The Argon2id parameters in the header.</summary>
    public VaultKdfParameters Kdf => _header.Kdf;

    /// <summary>Every file of a home directory that the vault writes (for backups, and for the tests that scan them).</summary>
    public static IEnumerable<string> Files(string home)
        => [Path.Combine(home, VaultHeader.FileName), Path.Combine(home, HomeLock.FileName), .. VaultDatabase.Files(home)];

    /// <exception cref="VaultExistsException">The home already holds a vault.</exception>
    /// <exception cref="HomeLockedException">Another node has the home open.</exception>
    public static Vault Create(string home, ReadOnlySpan<char> passphrase, VaultKdfParameters kdf)
    {
        ArgumentNullException.ThrowIfNull(kdf);
        CheckPassphrase(passphrase);
        CreateHome(home);
        var homeLock = HomeLock.Acquire(home);
        try
        {
            var headerPath = Path.Combine(home, VaultHeader.FileName);
            if (File.Exists(headerPath))
            {
                throw new VaultExistsException($"{home} already holds a Courier vault; nothing was changed.");
            }

            // A database without its header may be the only copy of someone's vault (its header lost or
            // not yet restored): never delete or overwrite it, even if an interrupted init left it.
            if (VaultDatabase.Files(home).FirstOrDefault(File.Exists) is { } database)
            {
                throw new VaultExistsException($"{home} holds a vault database ({Path.GetFileName(database)}) without its header ({VaultHeader.FileName}); nothing was changed. Restore {VaultHeader.FileName} from a backup, or, if the database is from an interrupted init and holds nothing, move it away and run init again.");
            }

            var vaultKey = new byte[VaultHeader.KeySize];
            try
            {
                RandomNumberGenerator.Fill(vaultKey);
                var header = NewHeader(vaultKey, passphrase, kdf, RandomNumberGenerator.GetBytes(VaultHeader.VaultIdSize), 0, out var slot);

                // The header goes last: its presence is what makes the vault exist.
                return Assemble(home, homeLock, header, slot, vaultKey, VaultDatabase.Create, vault => header.WriteAtomically(headerPath));
            }
            catch when (!File.Exists(headerPath))
            {
                // Only files this call created (none existed above, under the lock), of a vault that never came to be.
                foreach (var file in VaultDatabase.Files(home))
                {
                    File.Delete(file);
                }

                throw;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(vaultKey);
            }
        }
        catch
        {
            homeLock.Dispose();
            throw;
        }
    }

    /// <exception cref="VaultNotFoundException">The home holds no vault.</exception>
    /// <exception cref="HomeLockedException">Another node has the home open.</exception>
    /// <exception cref="VaultCorruptedException">The header or database is damaged.</exception>
    /// <exception cref="WrongPassphraseException">The passphrase does not unwrap the vault key.</exception>
    public static Vault Open(string home, ReadOnlySpan<char> passphrase)
    {
        CheckPassphrase(passphrase);
        var headerPath = Path.Combine(home, VaultHeader.FileName);
        if (!File.Exists(headerPath))
        {
            throw new VaultNotFoundException($"{home} holds no Courier vault; create one with init.");
        }

        var homeLock = HomeLock.Acquire(home);
        try
        {
            var header = VaultHeader.Decode(ReadHeader(headerPath), headerPath);
            var vaultKey = new byte[VaultHeader.KeySize];
            try
            {
                var opened = UnwrapVaultKey(header, passphrase, vaultKey)
                    ?? throw new WrongPassphraseException("The passphrase is wrong: the vault was not opened, and nothing in it was read or changed.");

                // Only now, with the passphrase proven, is anything opened for writing.
                return Assemble(home, homeLock, header, opened.Index, vaultKey, VaultDatabase.Open, vault =>
                {
                    vault.Migrate();
                    if ((opened.Flags & VaultHeader.WipeOtherFlag) != 0)
                    {
                        vault.WipeOtherSlot();
                    }
                });
            }
            finally
            {
                CryptographicOperations.ZeroMemory(vaultKey);
            }
        }
        catch
        {
            homeLock.Dispose();
            throw;
        }
    }

    /// <summary>The vault over the database <paramref name="openDatabase"/> gives, once <paramref name="complete"/> ran; on failure nothing opened stays open (the caller keeps the lock).</summary>
    private static Vault Assemble(string home, HomeLock homeLock, VaultHeader header, int slot, ReadOnlySpan<byte> vaultKey, Func<string, byte[], VaultDatabase> openDatabase, Action<Vault> complete)
    {
        var database = openDatabase(Path.Combine(home, VaultDatabase.FileName), header.VaultId);
        VaultKeys? keys = null;
        try
        {
            keys = VaultKeys.Derive(vaultKey);
            var vault = new Vault(home, homeLock, header, database, keys) { _slot = slot };
            complete(vault);
            return vault;
        }
        catch
        {
            keys?.Dispose();
            database.Dispose();
            throw;
        }
    }

    /// <summary>A new random record id.</summary>
    public static byte[] NewId() => RandomNumberGenerator.GetBytes(IdSize);

    /// <summary>
    /// The id of the record <paramref name="key"/> of <paramref name="collection"/> that belongs to the
    /// record <paramref name="owner"/> (a cell's group state, cursor, ratchets): a keyed tag, so the
    /// database file does not show which rows belong together.
    /// </summary>
    public byte[] IdOf(VaultCollection collection, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> key)
        => _keys.Tag([.. "id\0"u8, (byte)collection, (byte)owner.Length, .. owner, .. key]);

    /// <summary>The record with <paramref name="id"/> in <paramref name="collection"/>, or null. The caller wipes the plaintext.</summary>
    public byte[]? Get(VaultCollection collection, byte[] id)
    {
        var stored = Database.Get(id);
        return stored is null || !stored.Collection.AsSpan().SequenceEqual(CollectionTag(collection)) ? null : Unseal(collection, stored);
    }

    /// <summary>Every record of <paramref name="collection"/>, as (id, plaintext). The caller wipes the plaintexts.</summary>
    public IReadOnlyList<(byte[] Id, byte[] Plaintext)> List(VaultCollection collection)
        => Database.ByCollection(CollectionTag(collection)).Select(r => (r.Id, Unseal(collection, r))).ToList();

    /// <summary>The records of <paramref name="collection"/> stored with lookup name <paramref name="name"/>.</summary>
    public IReadOnlyList<(byte[] Id, byte[] Plaintext)> Find(VaultCollection collection, string name)
    {
        var collectionTag = CollectionTag(collection);
        return Database.ByLookup(LookupTag(collection, name))
            .Where(r => r.Collection.AsSpan().SequenceEqual(collectionTag))
            .Select(r => (r.Id, Unseal(collection, r)))
            .ToList();
    }

    /// <summary>
    /// Calls <paramref name="each"/> with the plaintext of every record of <paramref name="collection"/>
    /// stored with lookup name <paramref name="name"/>, one at a time, in no particular order, and wipes
    /// it after the call: for collections too large to hold in memory at once (a received file's chunks).
    /// </summary>
    public void ForEachFound(VaultCollection collection, string name, PlaintextAction each)
    {
        var collectionTag = CollectionTag(collection);
        Database.EachByLookup(LookupTag(collection, name), stored =>
        {
            if (!stored.Collection.AsSpan().SequenceEqual(collectionTag))
            {
                return;
            }

            var length = Math.Max(0, VaultKeys.OpenedLength(stored.Body));
            var padded = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                each(Unseal(collection, stored, padded.AsSpan(0, length)));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(padded.AsSpan(0, length));
                ArrayPool<byte>.Shared.Return(padded);
            }
        });
    }

    /// <summary>True when <paramref name="collection"/> holds a record stored with lookup name <paramref name="name"/>; nothing is decrypted.</summary>
    public bool Exists(VaultCollection collection, string name)
    {
        var collectionTag = CollectionTag(collection);
        return Database.ByLookup(LookupTag(collection, name)).Any(r => r.Collection.AsSpan().SequenceEqual(collectionTag));
    }

    /// <summary>Starts one atomic change: every Put and Delete on it lands together at Commit, or none does.</summary>
    /// <exception cref="VaultDestroyedException">The vault was destroyed (panic) since it was opened.</exception>
    public VaultTransaction Begin()
    {
        CheckNotDestroyed();
        return new(this, Database.Begin());
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _keys.Dispose();
        _database.Dispose();
        _lock.Dispose();
    }

    /// <summary>Seals and stores a record; true when it replaced one.</summary>
    internal bool Put(SqliteTransaction transaction, VaultCollection collection, byte[] id, ReadOnlySpan<byte> plaintext, string? lookupName)
    {
        if (id.Length != IdSize)
        {
            throw new ArgumentException($"A record id is {IdSize} bytes.", nameof(id));
        }

        var collectionTag = CollectionTag(collection);
        var body = _keys.Seal(AssociatedData(id, collectionTag), plaintext, PaddingQuantum);
        return Database.Put(transaction, new StoredRecord(id, collectionTag, lookupName is null ? null : LookupTag(collection, lookupName), body));
    }

    /// <summary>Deletes a record; true when there was one.</summary>
    internal bool Delete(SqliteTransaction transaction, byte[] id) => Database.Delete(transaction, id);

    /// <summary>
    /// Format 1 kept each cell as one blob; format 2 splits it into records; format 3 adds sequence
    /// numbers to contact records, whose decoder reads the older contact records as having sent and
    /// received none. So a format-2 vault, and a format-1 vault without cells, is simply marked as
    /// current; a format-1 vault with cells is refused whole (this version cannot convert an old
    /// cell's group state), so that it is never misread and stays usable by the version that wrote it.
    /// </summary>
    private void Migrate()
    {
        if (Database.Schema == VaultDatabase.SchemaVersion)
        {
            return;
        }

        if (Database.Schema == 1 && (Database.ByCollection(CollectionTag(VaultCollection.Cell)).Count > 0 || Database.ByCollection(CollectionTag(VaultCollection.WelcomeDelivery)).Count > 0))
        {
            // Open's failure path closes the database and releases the home.
            throw new VaultFormatException($"The vault in {_home} was written by an earlier version of Courier (format {Database.Schema}) and holds cells, which this version stores differently and cannot convert. Nothing was read or changed: keep using the earlier version for this home, or create a new home and rejoin the cells.");
        }

        using var transaction = Database.Begin();
        Database.MarkMigrated(transaction);
        transaction.Commit();
    }

    private VaultDatabase Database
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _database;
        }
    }

    private byte[] Unseal(VaultCollection collection, StoredRecord stored)
    {
        var padded = new byte[Math.Max(0, VaultKeys.OpenedLength(stored.Body))];
        try
        {
            return Unseal(collection, stored, padded).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>Opens a record into <paramref name="padded"/> (of <see cref="VaultKeys.OpenedLength"/> bytes); returns its plaintext there, without the padding.</summary>
    private ReadOnlySpan<byte> Unseal(VaultCollection collection, StoredRecord stored, Span<byte> padded)
    {
        if (!_keys.Open(AssociatedData(stored.Id, stored.Collection), stored.Body, padded))
        {
            throw new VaultCorruptedException("A record of the vault failed its integrity check (damaged or altered). Restore the home directory from a backup.");
        }

        if (padded.Length < 4)
        {
            throw new VaultCorruptedException("A record of the vault has no length.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(padded);
        return length > padded.Length - 4
            ? throw new VaultCorruptedException($"A {collection} record of the vault has an impossible length.")
            : padded.Slice(4, (int)length);
    }

    /// <summary>"courier vault record v1" || vault id || record id || collection tag: a sealed record cannot move to another id, collection or vault.</summary>
    private byte[] AssociatedData(byte[] id, byte[] collectionTag)
        => [.. "courier vault record v1"u8, .. _header.VaultId, .. id, .. collectionTag];

    private byte[] CollectionTag(VaultCollection collection) => _keys.Tag([.. "collection\0"u8, (byte)collection]);

    private byte[] LookupTag(VaultCollection collection, string name)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(name);
        try
        {
            return _keys.Tag([.. "lookup\0"u8, (byte)collection, .. bytes]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static byte[] ReadHeader(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);

        // Read one byte more than a header so that an oversized file is noticed without reading it all.
        var buffer = new byte[VaultHeader.Size + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }

    private static void CheckPassphrase(ReadOnlySpan<char> passphrase)
    {
        if (passphrase.IsEmpty)
        {
            throw new ArgumentException("The passphrase must not be empty.", nameof(passphrase));
        }
    }

    private static void CreateHome(string home)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(home);
        }
        else
        {
            Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => "Vault";
}
