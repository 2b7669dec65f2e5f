using Courier.Node.Storage;

namespace Courier.Node.Cells;

/// <summary>
/// <see cref="ICellStore"/> over the vault: each <see cref="CellChange"/> becomes one transaction of
/// small records (group state, cursor, description, outbox entries, inbox records, Welcomes), so that
/// what is written per message does not grow with the cell. The node adds its own writes that must
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

    /// <summary>The record ids of a cell's group state, cursor and pending Welcome.</summary>
    public static (byte[] Group, byte[] Cursor, byte[] PendingWelcome) IdsOf(Vault vault, byte[] cellId)
        => (vault.IdOf(VaultCollection.CellGroup, cellId, []), vault.IdOf(VaultCollection.CellCursor, cellId, []), vault.IdOf(VaultCollection.PendingWelcome, cellId, []));

    /// <summary>The lookup name of a cell's outbox entries.</summary>
    public static string OutboxLookup(byte[] cellId) => Convert.ToHexStringLower(cellId);

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

    /// <summary>Deletes every secret of a cell: group, cursor, outbox, pending Welcome.</summary>
    public static void Forget(Vault vault, VaultTransaction transaction, byte[] cellId)
    {
        var (group, cursor, pendingWelcome) = IdsOf(vault, cellId);
        transaction.Delete(group);
        transaction.Delete(cursor);
        transaction.Delete(pendingWelcome);
        foreach (var (id, plaintext) in vault.Find(VaultCollection.Outbox, OutboxLookup(cellId)))
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
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
        if (change.Membership is { IsMember: false })
        {
            // Removed: nothing of the group is kept; the messages received stay in the inbox.
            Put(transaction, Record with { IsMember = false, CodeName = string.Empty, Members = [], Epoch = change.Membership.Epoch });
            _stored.AddRange(inbox.Store(transaction, Record, change.Received));
            Forget(vault, transaction, cellId);
            return;
        }

        if (change.Group is not null)
        {
            transaction.PutWiped(VaultCollection.CellGroup, groupId, change.Group);
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

    private void Put(VaultTransaction transaction, CellRecord updated)
    {
        CellRepository.Put(transaction, updated);
        Record = updated;
    }
}
