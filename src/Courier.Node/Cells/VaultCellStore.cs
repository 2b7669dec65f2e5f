using System.Security.Cryptography;
using Courier.Mls.Group;
using Courier.Node.Storage;

namespace Courier.Node.Cells;

/// <summary>
/// <see cref="ICellStore"/> over the vault: each <see cref="CellChange"/> becomes one transaction of
/// small records (group epoch state, ratchet records, cursor, description, outbox entries, inbox
/// records, Welcomes), so that what is written per message does not grow with the cell: a message
/// rewrites one leaf's ratchet record, not the group. The node adds its own writes that must
/// land together with the cell's next change through <see cref="Enlist"/>.
/// </summary>
internal sealed class VaultCellStore(Vault vault, CellRecord record, InboxRepository inbox) : ICellStore
{
    private readonly List<Action<VaultTransaction>> _enlisted = [];
    private readonly List<InboxMessage> _stored = [];

    /// <summary>The cell's description as last written.</summary>
    public CellRecord Record { get; private set; } = record;

    /// <summary>The contacts the Welcome of this member's next commit is for (set by whoever adds them).</summary>
    public IReadOnlyList<byte[]> WelcomeRecipients { get; set; } = [];

    /// <summary>The Welcome of the last commit this member created that added members (a reserve's new cell sends it through the reserve cell).</summary>
    public byte[] LastWelcome { get; private set; } = [];

    /// <summary>The record ids of a cell's group state, cursor and pending Welcome.</summary>
    public static (byte[] Group, byte[] Cursor, byte[] PendingWelcome) IdsOf(Vault vault, byte[] cellId)
        => (vault.IdOf(VaultCollection.CellGroup, cellId, []), vault.IdOf(VaultCollection.CellCursor, cellId, []), vault.IdOf(VaultCollection.PendingWelcome, cellId, []));

    /// <summary>The record id of a cell's external commit in flight (<see cref="PendingRejoin"/>).</summary>
    public static byte[] PendingRejoinId(Vault vault, byte[] cellId) => vault.IdOf(VaultCollection.PendingRejoin, cellId, []);

    /// <summary>The lookup name of a cell's outbox entries.</summary>
    public static string OutboxLookup(byte[] cellId) => Convert.ToHexStringLower(cellId);

    /// <summary>The lookup name of a cell's ratchet records (<see cref="VaultCollection.CellRatchet"/>).</summary>
    public static string RatchetLookup(byte[] cellId) => Convert.ToHexStringLower(cellId);

    /// <summary>
    /// The group's records of a cell, as <see cref="MlsGroup.Restore"/> takes them: each
    /// CellRatchet plaintext is <c>uint8 key_length || key || value</c>, stored under the id of its key.
    /// The caller wipes the values.
    /// </summary>
    /// <exception cref="VaultCorruptedException">A record is malformed or not stored under its key's id.</exception>
    public static List<KeyValuePair<byte[], byte[]>> ReadGroupRecords(Vault vault, byte[] cellId)
    {
        var records = new List<KeyValuePair<byte[], byte[]>>();
        foreach (var (id, plaintext) in vault.Find(VaultCollection.CellRatchet, RatchetLookup(cellId)))
        {
            if (plaintext.Length < 1 || plaintext.Length < 1 + plaintext[0])
            {
                CryptographicOperations.ZeroMemory(plaintext);
                records.ForEach(r => CryptographicOperations.ZeroMemory(r.Value));
                throw new VaultCorruptedException("A ratchet record of a cell is malformed. Restore the home directory from a backup.");
            }

            var key = plaintext.AsSpan(1, plaintext[0]).ToArray();
            var value = plaintext.AsSpan(1 + key.Length).ToArray();
            CryptographicOperations.ZeroMemory(plaintext);
            records.Add(new(key, value));
            if (!CryptographicOperations.FixedTimeEquals(id, vault.IdOf(VaultCollection.CellRatchet, cellId, key)))
            {
                records.ForEach(r => CryptographicOperations.ZeroMemory(r.Value));
                throw new VaultCorruptedException("A ratchet record of a cell is stored under another id. Restore the home directory from a backup.");
            }
        }

        return records;
    }

    /// <summary>Runs <paramref name="write"/> in the transaction of the cell's next change.</summary>
    public void Enlist(Action<VaultTransaction> write) => _enlisted.Add(write);

    /// <summary>The inbox messages stored since the last call.</summary>
    public List<InboxMessage> TakeStored()
    {
        var taken = _stored.ToList();
        _stored.Clear();
        return taken;
    }

    /// <summary>Writes the cell's description (and any enlisted writes) on its own.</summary>
    public void WriteRecord(CellRecord updated) => Commit(transaction => Put(transaction, updated));

    public void Write(CellChange change) => Commit(transaction => Apply(transaction, change));

    /// <summary>Deletes every secret of a cell: group epoch state and ratchet records, cursor, outbox, pending Welcome and rejoin.</summary>
    public static void Forget(Vault vault, VaultTransaction transaction, byte[] cellId)
    {
        var (group, cursor, pendingWelcome) = IdsOf(vault, cellId);
        transaction.Delete(group);
        transaction.Delete(cursor);
        transaction.Delete(pendingWelcome);
        transaction.Delete(PendingRejoinId(vault, cellId));
        foreach (var (id, plaintext) in vault.Find(VaultCollection.Outbox, OutboxLookup(cellId)))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            transaction.Delete(id);
        }

        foreach (var (id, plaintext) in vault.Find(VaultCollection.CellRatchet, RatchetLookup(cellId)))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            transaction.Delete(id);
        }
    }

    private void Commit(Action<VaultTransaction> write)
    {
        var stored = _stored.Count;
        using var transaction = vault.Begin();
        try
        {
            write(transaction);
            _enlisted.ForEach(e => e(transaction));
            transaction.Commit();
            _enlisted.Clear();
        }
        catch
        {
            _stored.RemoveRange(stored, _stored.Count - stored);
            throw;
        }
    }

    private void Apply(VaultTransaction transaction, CellChange change)
    {
        var cellId = Record.Id;
        var (groupId, cursorId, pendingId) = IdsOf(vault, cellId);
        if (change.Group?.EpochState is null && change.RejoinStarted is null && change.RejoinAdopted is null && !change.RejoinLost && change.Membership is null && change.CommitCreated is null && change.CommitMerged is null)
        {
            // Same epoch: what this replaces (a ratchet generation, the read position, a settled
            // outbox entry) opens nothing of an earlier epoch.
            transaction.WithinEpoch();
        }

        if (change.Membership is { IsMember: false })
        {
            // Removed: nothing of the group is kept; the messages received stay in the inbox.
            Put(transaction, Record with { IsMember = false, CodeName = string.Empty, Members = [], Epoch = change.Membership.Epoch });
            _stored.AddRange(inbox.Store(transaction, Record, change.Received));
            Forget(vault, transaction, cellId);
            return;
        }

        if (change.RejoinStarted is { } started)
        {
            transaction.PutWiped(VaultCollection.PendingRejoin, PendingRejoinId(vault, cellId), started.Encode());
        }

        if (change.RejoinAdopted is { } adopted)
        {
            // The group the external commit started replaces the old one whole.
            foreach (var (id, plaintext) in vault.Find(VaultCollection.CellRatchet, RatchetLookup(cellId)))
            {
                CryptographicOperations.ZeroMemory(plaintext);
                transaction.Delete(id);
            }

            transaction.Put(VaultCollection.CellGroup, groupId, adopted.State);
            foreach (var (key, value) in adopted.Records)
            {
                PutRatchet(transaction, cellId, key, value);
            }
        }

        if (change.RejoinAdopted is not null || change.RejoinLost)
        {
            transaction.Delete(PendingRejoinId(vault, cellId));
        }

        if (change.Group is { } group)
        {
            WriteGroup(transaction, cellId, groupId, group);
        }

        if (change.Cursor is not null)
        {
            transaction.Put(VaultCollection.CellCursor, cursorId, change.Cursor.Encode());
        }

        if (change.Membership is { } membership)
        {
            Put(transaction, Record with { IsMember = true, CodeName = membership.CodeName, Members = membership.Members, Epoch = membership.Epoch });
        }

        foreach (var entry in change.Queued)
        {
            transaction.PutWiped(VaultCollection.Outbox, entry.Id.Bytes.ToArray(), entry.Encode(), OutboxLookup(cellId));
        }

        foreach (var entry in change.Settled)
        {
            transaction.Delete(entry.Id.Bytes.ToArray());
        }

        _stored.AddRange(inbox.Store(transaction, Record, change.Received));
        LastWelcome = change.CommitCreated is { Length: > 0 } created ? created : LastWelcome;
        if (change.CommitCreated is { Length: > 0 } welcome && WelcomeRecipients.Count > 0)
        {
            transaction.PutWiped(VaultCollection.PendingWelcome, pendingId, new PendingWelcome(welcome, WelcomeRecipients).Encode());
        }

        if (change.CommitMerged is true && vault.Read(VaultCollection.PendingWelcome, pendingId, (_, p) => PendingWelcome.Decode(p)) is { } pending)
        {
            foreach (var contactId in pending.Recipients)
            {
                var delivery = new WelcomeDelivery(Vault.NewId(), contactId, Record.Name, Record.Layer, Record.Relay, pending.Welcome);
                transaction.PutWiped(VaultCollection.WelcomeDelivery, delivery.Id, delivery.Encode());
            }
        }

        if (change.CommitMerged is not null)
        {
            transaction.Delete(pendingId);
        }
    }

    /// <summary>The group's changes: the epoch state into CellGroup, each record into CellRatchet (key length, key, value), deleted records removed.</summary>
    private void WriteGroup(VaultTransaction transaction, byte[] cellId, byte[] groupId, GroupStateChanges group)
    {
        if (group.EpochState is { } state)
        {
            transaction.PutWiped(VaultCollection.CellGroup, groupId, state.Export());
        }

        foreach (var (key, value) in group.Records)
        {
            var bytes = value.Export();
            PutRatchet(transaction, cellId, key, bytes);
            CryptographicOperations.ZeroMemory(bytes);
        }

        foreach (var key in group.Deleted)
        {
            transaction.Delete(vault.IdOf(VaultCollection.CellRatchet, cellId, key));
        }
    }

    /// <summary>One record of the group into CellRatchet: key length, key, value.</summary>
    private void PutRatchet(VaultTransaction transaction, byte[] cellId, byte[] key, ReadOnlySpan<byte> value)
    {
        var plaintext = GC.AllocateArray<byte>(1 + key.Length + value.Length, pinned: true);
        plaintext[0] = checked((byte)key.Length);
        key.CopyTo(plaintext, 1);
        value.CopyTo(plaintext.AsSpan(1 + key.Length));
        transaction.PutWiped(VaultCollection.CellRatchet, vault.IdOf(VaultCollection.CellRatchet, cellId, key), plaintext, RatchetLookup(cellId));
    }

    private void Put(VaultTransaction transaction, CellRecord updated)
    {
        CellRepository.Put(transaction, updated);
        Record = updated;
    }
}
