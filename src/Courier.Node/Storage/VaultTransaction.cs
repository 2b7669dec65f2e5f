using Microsoft.Data.Sqlite;

namespace Courier.Node.Storage;

/// <summary>One atomic change to the vault. Disposing it without <see cref="Commit"/> rolls everything back.</summary>
internal sealed class VaultTransaction : IDisposable
{
    private readonly Vault _vault;
    private readonly SqliteTransaction _transaction;
    private bool _replaced;
    private bool _withinEpoch;

    internal VaultTransaction(Vault vault, SqliteTransaction transaction)
    {
        _vault = vault;
        _transaction = transaction;
    }

    /// <summary>Inserts or replaces the record <paramref name="id"/>; <paramref name="lookupName"/>, if given, makes it findable by that name.</summary>
    public void Put(VaultCollection collection, byte[] id, ReadOnlySpan<byte> plaintext, string? lookupName = null)
        => _replaced |= _vault.Put(_transaction, collection, id, plaintext, lookupName);

    public void Delete(byte[] id) => _replaced |= _vault.Delete(_transaction, id);

    /// <summary>
    /// What this transaction replaces or deletes belongs only to a cell's current epoch (ratchet
    /// generations, the read position, settled outbox entries): the next epoch's checkpoint, or the
    /// vault's delay, removes its old images from the WAL (<see cref="Vault.KeepWithinEpochImages"/>).
    /// </summary>
    public void WithinEpoch() => _withinEpoch = true;

    /// <summary>
    /// Makes every change durable (synchronous=FULL: on disk when this returns); when a record was
    /// replaced or deleted, its old sealed bytes then leave the WAL at the end of the operation, or
    /// later for <see cref="WithinEpoch"/> changes (docs/node.md, "What the vault leaves on disk").
    /// </summary>
    public void Commit()
    {
        _transaction.Commit();
        if (_replaced)
        {
            _vault.Replaced(_withinEpoch);
        }
    }

    public void Dispose() => _transaction.Dispose();
}
