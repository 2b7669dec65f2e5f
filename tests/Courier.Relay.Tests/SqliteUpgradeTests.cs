using System.Security.Cryptography;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Courier.Relay.Tests;

/// <summary>Opening a database written before nameplates had claims and drops a time of use.</summary>
public sealed class SqliteUpgradeTests
{
    [Fact]
    public async Task Nameplates_from_before_claims_are_dropped_and_keyed_drops_kept()
    {
        using var dir = new TempDirectory();
        var keyed = DropName.NewRandom();
        var slot = DropName.NewRandom();
        var key = DropReadKey.Create().PublicKey;
        using (var db = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "relay.db")};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = """
                CREATE TABLE drops (id INTEGER PRIMARY KEY, name BLOB NOT NULL UNIQUE, read_key BLOB NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0, trimmed INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
                CREATE TABLE envelopes (drop_id INTEGER NOT NULL, seq INTEGER NOT NULL, msg_id BLOB NOT NULL, stored INTEGER NOT NULL, data BLOB, UNIQUE (drop_id, seq));
                CREATE TABLE nameplates (number INTEGER PRIMARY KEY, drop_id INTEGER NOT NULL, expires INTEGER NOT NULL);
                INSERT INTO drops (name, read_key, created) VALUES ($keyed, $key, 0);
                INSERT INTO drops (name, read_key, created) VALUES ($slot, x'', 0);
                INSERT INTO envelopes VALUES (2, 1, x'00', 0, x'00');
                INSERT INTO nameplates VALUES (5, 2, 9999999999999);
                """;
            command.Parameters.AddWithValue("$keyed", keyed.Bytes.ToArray());
            command.Parameters.AddWithValue("$slot", slot.Bytes.ToArray());
            command.Parameters.AddWithValue("$key", key);
            command.ExecuteNonQuery();
        }

        await using var store = SqliteDropStore.Open(dir.Path);
        Assert.NotNull(await store.GetDropAsync(keyed, default));
        Assert.Null(await store.GetDropAsync(slot, default));
        Assert.Null(await store.GetNameplateAsync(5, default));
        var nameplate = new NameplateState(DropName.NewRandom(), DropName.NewRandom(), SHA256.HashData([1]), ReadOnlyMemory<byte>.Empty, Interfered: false);
        Assert.True(await store.TryClaimNameplateAsync(5, nameplate, DateTimeOffset.UtcNow.AddMinutes(5), default));
        Assert.Equal(1, await store.CountDropsAsync(default));

        // The database had no time of use: the upgrade counts each drop as used now, so a drop
        // created long ago (at 0 here) is not deleted as idle by the first sweep.
        await store.SweepAsync(default);
        Assert.NotNull(await store.GetDropAsync(keyed, default));
    }
}
