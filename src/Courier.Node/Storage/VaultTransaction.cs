using Microsoft.Data.Sqlite;

namespace Courier.Node.Storage;

/// <summary>One atomic change to the vault. Disposing it without <see cref="Commit"/> rolls everything back.</summary>
internal sealed class VaultTransaction : IDisposable
{
    private readonly Vault _vault;
    private readonly SqliteTransaction _transaction;
    private bool _replaced;

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
    /// Makes every change durable (synchronous=FULL: on disk when this returns); when a record was
    /// replaced or deleted, its old sealed bytes then leave the WAL too (docs/node.md, "What the vault leaves on disk").
    /// </summary>
    public void Commit()
    {
        _transaction.Commit();
        if (_replaced)
        {
            _vault.Checkpoint();
        }
    }

    public void Dispose() => _transaction.Dispose();
}
