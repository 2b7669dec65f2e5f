using Microsoft.Data.Sqlite;

namespace Courier.Mix;

/// <summary>
/// Replay tags in one SQLite database (WAL, <c>synchronous=NORMAL</c>): each tag is committed before
/// <see cref="TryAdd"/> returns, so a mix that is killed and restarted still refuses every packet it had
/// accepted. A crash of the operating system or a power loss can lose the last commits (they are not
/// fsynced one by one). Thread-safe: one connection behind a lock.
/// </summary>
public sealed class SqliteReplayTags : IReplayTags, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS replay_tags (
            epoch INTEGER NOT NULL,
            tag BLOB NOT NULL,
            PRIMARY KEY (epoch, tag)
        ) WITHOUT ROWID;
        """;

    private readonly Lock gate = new();
    private readonly SqliteConnection connection;
    private readonly SqliteCommand insert;
    private readonly SqliteParameter insertEpoch;
    private readonly SqliteParameter insertTag;

    private SqliteReplayTags(SqliteConnection connection)
    {
        this.connection = connection;
        insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO replay_tags (epoch, tag) VALUES ($epoch, $tag)";
        insertEpoch = insert.Parameters.Add("$epoch", SqliteType.Integer);
        insertTag = insert.Parameters.Add("$tag", SqliteType.Blob);
        insert.Prepare();
    }

    /// <summary>Opens, creating if needed, the database file <paramref name="path"/>.</summary>
    public static SqliteReplayTags Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using (var create = connection.CreateCommand())
            {
                create.CommandText = Schema;
                create.ExecuteNonQuery();
            }

            return new SqliteReplayTags(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public bool TryAdd(ulong epoch, ReadOnlySpan<byte> tag)
    {
        var value = tag.ToArray();
        lock (gate)
        {
            insertEpoch.Value = checked((long)epoch);
            insertTag.Value = value;
            return insert.ExecuteNonQuery() == 1;
        }
    }

    /// <inheritdoc/>
    public void ForgetBefore(ulong epoch)
    {
        lock (gate)
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM replay_tags WHERE epoch < $epoch";
            delete.Parameters.AddWithValue("$epoch", checked((long)epoch));
            delete.ExecuteNonQuery();
        }
    }

    /// <summary>Closes the database.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            insert.Dispose();
            connection.Dispose();
        }
    }
}
