using Microsoft.Data.Sqlite;

namespace Courier.Node.Storage;

/// <summary>
/// The SQLite file <c>vault.db</c>: one table of sealed records under random 16-byte ids, each with
/// an opaque collection tag and an optional opaque lookup tag (keyed HMACs, <see cref="VaultKeys.Tag"/>),
/// and a small <c>meta</c> table that binds the file to its header's vault id. WAL journal,
/// synchronous=FULL (a commit is on disk before it returns), secure_delete (deleted records are
/// overwritten), temporary tables in memory, and a TRUNCATE checkpoint after every commit that
/// replaced or deleted a record and at open, so that no old sealed record stays in the WAL. Every
/// change is one transaction, so a process killed mid-write reopens with exactly the changes that committed.
/// </summary>
internal sealed class VaultDatabase : IDisposable
{
    public const string FileName = "vault.db";

    /// <summary>
    /// The record layout this code writes. 1: cells kept whole (state blob per cell); 2: cells as small
    /// records (docs/architecture.md); 3: contacts with pairwise sequence numbers (contact record
    /// version 2) and used introductions. <see cref="Vault.Open"/> migrates or refuses older ones; an
    /// older Courier refuses a newer one instead of misreading its contacts.
    /// </summary>
    public const long SchemaVersion = 3;

    private readonly SqliteConnection _connection;

    private VaultDatabase(SqliteConnection connection) => _connection = connection;

    /// <summary>Every file SQLite may keep beside the database (WAL, shared memory, rollback journal).</summary>
    public static IEnumerable<string> Files(string home)
    {
        var path = Path.Combine(home, FileName);
        return [path, path + "-wal", path + "-shm", path + "-journal"];
    }

    public static VaultDatabase Create(string path, byte[] vaultId)
    {
        var database = new VaultDatabase(Connect(path, SqliteOpenMode.ReadWriteCreate));
        try
        {
            database.Execute("PRAGMA journal_mode=WAL");
            using var transaction = database.Begin();
            database.Execute(
                """
                CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE records(
                    id BLOB PRIMARY KEY,
                    collection BLOB NOT NULL,
                    lookup BLOB,
                    body BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX records_collection ON records(collection);
                CREATE INDEX records_lookup ON records(lookup) WHERE lookup IS NOT NULL;
                """,
                transaction);
            database.Execute("INSERT INTO meta(name, value) VALUES ('schema', $v)", transaction, ("$v", SchemaVersion));
            database.Execute("INSERT INTO meta(name, value) VALUES ('vault_id', $v)", transaction, ("$v", vaultId));
            transaction.Commit();
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <exception cref="VaultCorruptedException">The file is not a vault database, is damaged, or belongs to another vault.</exception>
    public static VaultDatabase Open(string path, byte[] vaultId)
    {
        if (!File.Exists(path))
        {
            throw new VaultCorruptedException($"The vault database {path} is missing although its header is present. Restore the home directory from a backup.");
        }

        VaultDatabase? database = null;
        try
        {
            database = new VaultDatabase(Connect(path, SqliteOpenMode.ReadWrite));
            if (database.Scalar<string>("PRAGMA quick_check") != "ok")
            {
                throw new VaultCorruptedException($"The vault database {path} failed SQLite's integrity check. Restore the home directory from a backup.");
            }

            var schema = database.Scalar<long?>("SELECT value FROM meta WHERE name = 'schema'");
            var id = database.Scalar<byte[]>("SELECT value FROM meta WHERE name = 'vault_id'");
            if (schema is null || id is null || !id.AsSpan().SequenceEqual(vaultId))
            {
                throw new VaultCorruptedException($"The vault database {path} does not belong to this vault's header. Restore the home directory from a backup.");
            }

            if (schema > SchemaVersion)
            {
                throw new VaultFormatException($"The vault in {Path.GetDirectoryName(path)} was written by a newer version of Courier (format {schema}; this one reads up to {SchemaVersion}). Nothing was read or changed: use the newer version.");
            }

            database.Schema = schema.Value;

            database.Execute("PRAGMA journal_mode=WAL");

            // A process that died between a commit and its checkpoint left old page images in the WAL.
            database.Checkpoint();
            return database;
        }
        catch (SqliteException e)
        {
            database?.Dispose();
            throw new VaultCorruptedException($"The vault database {path} cannot be read ({e.SqliteErrorCode}: damaged or not a vault). Restore the home directory from a backup.", e);
        }
        catch
        {
            database?.Dispose();
            throw;
        }
    }

    /// <summary>The record layout of the file as opened (older than <see cref="SchemaVersion"/> until migrated).</summary>
    public long Schema { get; private set; } = SchemaVersion;

    /// <summary>Records that the file now holds the current layout, in the migration's transaction.</summary>
    public void MarkMigrated(SqliteTransaction transaction)
    {
        Execute("UPDATE meta SET value = $v WHERE name = 'schema'", transaction, ("$v", SchemaVersion));
        Schema = SchemaVersion;
    }

    public StoredRecord? Get(byte[] id)
        => Query("SELECT id, collection, lookup, body FROM records WHERE id = $p", id).FirstOrDefault();

    public IReadOnlyList<StoredRecord> ByCollection(byte[] collection)
        => Query("SELECT id, collection, lookup, body FROM records WHERE collection = $p ORDER BY id", collection);

    public IReadOnlyList<StoredRecord> ByLookup(byte[] lookup)
        => Query("SELECT id, collection, lookup, body FROM records WHERE lookup = $p ORDER BY id", lookup);

    /// <summary>Calls <paramref name="each"/> for every record with lookup tag <paramref name="lookup"/>, one row at a time, in no particular order.</summary>
    public void EachByLookup(byte[] lookup, Action<StoredRecord> each)
        => Each("SELECT id, collection, lookup, body FROM records WHERE lookup = $p", lookup, each);

    /// <summary>Starts a write transaction (BEGIN IMMEDIATE). Disposing it without commit rolls back.</summary>
    public SqliteTransaction Begin() => _connection.BeginTransaction(deferred: false);

    /// <summary>Inserts or replaces a record; true when it replaced one (whose old page images the next <see cref="Checkpoint"/> removes).</summary>
    public bool Put(SqliteTransaction transaction, StoredRecord record)
    {
        (string, object)[] parameters = [("$id", record.Id), ("$c", record.Collection), ("$l", (object?)record.Lookup ?? DBNull.Value), ("$b", record.Body)];
        if (Execute("INSERT INTO records(id, collection, lookup, body) VALUES ($id, $c, $l, $b) ON CONFLICT(id) DO NOTHING", transaction, parameters) == 1)
        {
            return false;
        }

        // The body alone when the record keeps its collection and lookup (nearly always): an UPDATE that
        // names indexed columns rewrites their index entries, two more pages in the WAL per record.
        if (Execute("UPDATE records SET body = $b WHERE id = $id AND collection = $c AND lookup IS $l", transaction, parameters) == 0)
        {
            Execute("UPDATE records SET collection = $c, lookup = $l, body = $b WHERE id = $id", transaction, parameters);
        }

        return true;
    }

    /// <summary>Deletes a record; true when there was one.</summary>
    public bool Delete(SqliteTransaction transaction, byte[] id) => Execute("DELETE FROM records WHERE id = $id", transaction, ("$id", id)) > 0;

    /// <summary>Deletes every record whose collection tag is none of <paramref name="collections"/> (another slot's vault, docs/panic.md).</summary>
    public int DeleteAllBut(SqliteTransaction transaction, IReadOnlyList<byte[]> collections)
    {
        var names = collections.Select((_, i) => "$c" + i).ToList();
        return Execute($"DELETE FROM records WHERE collection NOT IN ({string.Join(", ", names)})", transaction, [.. collections.Select((c, i) => (names[i], (object)c))]);
    }

    /// <summary>
    /// Copies every committed page into the database file and truncates the WAL to nothing
    /// (wal_checkpoint(TRUNCATE)): the WAL keeps the page images of every commit since the last
    /// checkpoint, among them records since replaced or deleted, which secure_delete does not reach.
    /// The node is the only connection; a reader from another process (a backup tool) could hold it
    /// back, and then the next checkpoint finishes the work.
    /// </summary>
    public void Checkpoint() => Execute("PRAGMA wal_checkpoint(TRUNCATE)");

    public void Dispose() => _connection.Dispose();

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY; PRAGMA trusted_schema=OFF;";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private List<StoredRecord> Query(string sql, byte[] parameter)
    {
        var records = new List<StoredRecord>();
        Each(sql, parameter, records.Add);
        return records;
    }

    /// <exception cref="VaultCorruptedException">A row is not a sealed record.</exception>
    private void Each(string sql, byte[] parameter, Action<StoredRecord> each)
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$p", parameter);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                each(new StoredRecord((byte[])reader.GetValue(0), (byte[])reader.GetValue(1), reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2), (byte[])reader.GetValue(3)));
            }
        }
        catch (Exception e) when (e is SqliteException or InvalidCastException)
        {
            throw new VaultCorruptedException("The vault database holds a row that is not a sealed record. Restore the home directory from a backup.", e);
        }
    }

    private T? Scalar<T>(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default : (T)value;
    }

    private int Execute(string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
