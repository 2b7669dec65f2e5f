using Microsoft.Data.Sqlite;

namespace Courier.Node.Storage;

/// <summary>One atomic change to the vault. Disposing it without <see cref="Commit"/> rolls everything back.</summary>
internal sealed class VaultTransaction : IDisposable
{
    private readonly Vault _vault;
    private readonly SqliteTransaction _transaction;

    internal VaultTransaction(Vault vault, SqliteTransaction transaction)
    {
        _vault = vault;
        _transaction = transaction;
    }

    /// <summary>Inserts or replaces the record <paramref name="id"/>; <paramref name="lookupName"/>, if given, makes it findable by that name.</summary>
    public void Put(VaultCollection collection, byte[] id, ReadOnlySpan<byte> plaintext, string? lookupName = null)
        => _vault.Put(_transaction, collection, id, plaintext, lookupName);

    public void Delete(byte[] id) => _vault.Delete(_transaction, id);

    /// <summary>Makes every change durable (synchronous=FULL: on disk when this returns).</summary>
    public void Commit() => _transaction.Commit();

    public void Dispose() => _transaction.Dispose();
}
