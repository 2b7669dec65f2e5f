using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Introductions;

/// <summary>
/// The introductions this node completed, remembered by id until they expire, so that each is used
/// once: a statement that comes again (replayed by the relay, or sent twice) adds no second contact
/// (vault collection <see cref="VaultCollection.UsedIntroduction"/>: <c>u16 version = 1 | i64 expires_at</c>,
/// looked up by the introduction's id). After its expiry a statement is refused anyway.
/// </summary>
internal static class UsedIntroductions
{
    private const ushort Version = 1;

    public static bool Contains(Vault vault, byte[] introductionId)
        => vault.Exists(VaultCollection.UsedIntroduction, PendingIntroduction.LookupName(introductionId));

    public static void Put(VaultTransaction transaction, IntroductionStatement statement)
    {
        using var writer = new RecordWriter(16);
        transaction.PutWiped(VaultCollection.UsedIntroduction, Vault.NewId(), writer.U16(Version).I64(statement.ExpiresAt).ToArray(), PendingIntroduction.LookupName(statement.Id));
    }

    /// <summary>Forgets the ones expired by <paramref name="now"/>.</summary>
    public static void ForgetExpired(Vault vault, long now)
    {
        var expired = vault.ReadAll(VaultCollection.UsedIntroduction, ExpiresAt).Where(r => r.ExpiresAt <= now).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        using var transaction = vault.Begin();
        expired.ForEach(r => transaction.Delete(r.Id));
        transaction.Commit();
    }

    private static (byte[] Id, long ExpiresAt) ExpiresAt(byte[] id, ReadOnlySpan<byte> plaintext)
    {
        var reader = new RecordReader(plaintext, "used introduction");
        if (reader.U16() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var expiresAt = reader.I64();
        reader.EnsureEnd();
        return (id, expiresAt);
    }
}
