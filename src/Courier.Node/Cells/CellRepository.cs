using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Relay;
using Courier.Node.Storage;

namespace Courier.Node.Cells;

/// <summary>
/// The cells in the vault: their descriptions (read without decrypting any group), and the cells
/// this node has open. An open cell stays in memory for the node's lifetime, so a member that
/// sends many messages restores its group once; a cell whose operation failed is closed, so the
/// next use starts again from what the vault holds.
/// </summary>
internal sealed class CellRepository(Vault vault, InboxRepository inbox, RelayPool relays, NodeOptions options) : IDisposable
{
    private readonly Dictionary<string, (Cell Cell, VaultCellStore Store)> _open = new(StringComparer.Ordinal);

    public CellSettings Settings { get; } = new(options.RelayRetry, options.Time) { RejoinCheck = options.RejoinCheck, LeafLifetime = options.KeyPackageLifetime };

    public List<CellRecord> All() => vault.ReadAll(VaultCollection.Cell, CellRecord.Decode);

    public bool Exists(string name) => vault.Exists(VaultCollection.Cell, CellRecord.LookupName(name));

    /// <exception cref="UnknownCellException">No cell has that name.</exception>
    public CellRecord Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var match = vault.ReadFound(VaultCollection.Cell, CellRecord.LookupName(name), CellRecord.Decode);
        return match.Count == 1 ? match[0] : throw new UnknownCellException($"No cell is called \"{name}\".");
    }

    /// <summary><paramref name="wanted"/>, or with " (2)", " (3)", ... when a cell has that name.</summary>
    public string UniqueName(string wanted)
    {
        var name = wanted;
        for (var n = 2; Exists(name); n++)
        {
            name = $"{wanted} ({n})";
        }

        return name;
    }

    public static void Put(VaultTransaction transaction, CellRecord record)
        => transaction.PutWiped(VaultCollection.Cell, record.Id, record.Encode(), CellRecord.LookupName(record.Name));

    /// <summary>A store for a new cell; its first write creates the cell's records.</summary>
    public VaultCellStore NewStore(CellRecord record) => new(vault, record, inbox);

    /// <summary>Keeps a cell that was just created or joined open.</summary>
    public void Adopt(Cell cell, VaultCellStore store) => _open[Key(store.Record.Id)] = (cell, store);

    /// <summary>
    /// Runs <paramref name="operation"/> on the open cell of <paramref name="record"/> (opening it from
    /// the vault if needed); on failure the cell is closed, so the next use rereads what was stored.
    /// </summary>
    /// <exception cref="NotAMemberException">This node left the cell or was removed from it.</exception>
    public async Task<T> RunAsync<T>(CellRecord record, Func<Cell, VaultCellStore, Task<T>> operation)
    {
        using var deferred = vault.DeferCheckpoints();
        var (cell, store) = Open(record);
        T result;
        try
        {
            result = await operation(cell, store).ConfigureAwait(false);
        }
        catch
        {
            Close(record.Id);
            throw;
        }

        if (!cell.Group.IsActive)
        {
            // Removed: the store has forgotten the group; so does memory.
            Close(record.Id);
        }

        return result;
    }

    /// <summary>
    /// The cell this node is a member of whose group id gives <paramref name="key"/> under
    /// <paramref name="keyOfGroup"/>: how reserve and council messages name a cell without its group id.
    /// </summary>
    public async Task<CellRecord?> FindByGroupKeyAsync(Func<byte[], byte[]> keyOfGroup, byte[] key)
    {
        foreach (var record in All().Where(c => c.IsMember))
        {
            var groupId = await RunAsync(record, (open, _) => Task.FromResult(open.Group.GroupId.ToArray())).ConfigureAwait(false);
            if (keyOfGroup(groupId).AsSpan().SequenceEqual(key))
            {
                return record;
            }
        }

        return null;
    }

    public Task RunAsync(CellRecord record, Func<Cell, VaultCellStore, Task> operation)
        => RunAsync(record, async (cell, store) =>
        {
            await operation(cell, store).ConfigureAwait(false);
            return true;
        });

    /// <summary>Closes the cell (if open) and wipes its secrets from memory.</summary>
    public void Close(byte[] cellId)
    {
        if (_open.Remove(Key(cellId), out var open))
        {
            open.Cell.Dispose();
        }
    }

    /// <summary>Writes what the open cells keep for their next write (<see cref="Cell.WriteDeferred"/>).</summary>
    public void WriteDeferred()
    {
        using var deferred = vault.DeferCheckpoints();
        foreach (var (cell, _) in _open.Values)
        {
            cell.WriteDeferred();
        }
    }

    public void Dispose()
    {
        try
        {
            WriteDeferred();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or NodeException)
        {
            // Only bookkeeping waited: the next open rereads the drop and re-appends with the same ids.
        }

        foreach (var (cell, _) in _open.Values)
        {
            cell.Dispose();
        }

        _open.Clear();
    }

    private static string Key(byte[] cellId) => Convert.ToHexStringLower(cellId);

    private (Cell Cell, VaultCellStore Store) Open(CellRecord record)
    {
        if (_open.TryGetValue(Key(record.Id), out var open))
        {
            return open;
        }

        if (!record.IsMember)
        {
            throw new NotAMemberException($"This node is no longer a member of \"{record.Name}\" (it left or was removed).");
        }

        var (groupId, cursorId, _) = VaultCellStore.IdsOf(vault, record.Id);
        var state = vault.Get(VaultCollection.CellGroup, groupId) ?? throw new VaultCorruptedException($"The group state of cell \"{record.Name}\" is missing from the vault. Restore the home directory from a backup.");
        List<KeyValuePair<byte[], byte[]>> records = [];
        MlsGroup group;
        try
        {
            records = VaultCellStore.ReadGroupRecords(vault, record.Id);
            group = MlsGroup.Restore(state, records, SystemRandom.Instance, Settings.Time);
        }
        catch (DecodeException e)
        {
            throw new VaultCorruptedException($"The group state of cell \"{record.Name}\" cannot be read ({e.Reason}). Restore the home directory from a backup.", e);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(state);
            records.ForEach(r => System.Security.Cryptography.CryptographicOperations.ZeroMemory(r.Value));
        }

        try
        {
            var cursor = vault.Read(VaultCollection.CellCursor, cursorId, (_, p) => CellCursor.Decode(p)) ?? CellCursor.Start;
            var outbox = vault.ReadFound(VaultCollection.Outbox, VaultCellStore.OutboxLookup(record.Id), (_, p) => OutboxEntry.Decode(p));
            var rejoin = vault.Read(VaultCollection.PendingRejoin, VaultCellStore.PendingRejoinId(vault, record.Id), (_, p) => PendingRejoin.Decode(p));
            var store = NewStore(record);
            var cell = Cell.Open(group, cursor, outbox, rejoin, relays.At(record.Relay), store, Settings);
            cell.AwaitingReAdd = vault.ReadAll(VaultCollection.ReAddBundle, ReAddBundle.Decode).Any(b => b.CellId.AsSpan().SequenceEqual(record.Id));
            _open[Key(record.Id)] = (cell, store);
            return (cell, store);
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }
}
