using Microsoft.Data.Sqlite;

namespace Courier.Mix;

/// <summary>
/// Replay tags in one SQLite database (WAL, <c>synchronous=NORMAL</c>): each tag is committed before
/// <see cref="TryAdd"/> returns, or before the task of <see cref="AddAsync"/> completes, so a mix that is
/// killed and restarted still refuses every packet it had accepted. A crash of the operating system or a
/// power loss can lose the last commits (they are not fsynced one by one). Thread-safe: one connection
/// behind a lock.
/// </summary>
/// <remarks>
/// <see cref="AddAsync"/> commits in groups: the tags of every caller that arrives while a commit is running
/// go into the next transaction together, so under load a mix pays one commit for many packets.
/// </remarks>
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
    private readonly Lock queueGate = new();
    private List<PendingTags> queue = [];
    private bool committing;

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

    /// <summary>
    /// Records each of <paramref name="tags"/> (epoch and tag): the task gives, per tag, true when it is new and
    /// false when it was seen before (an earlier tag of the same list included). It completes once all of
    /// them are committed; a failed commit faults it and records none.
    /// </summary>
    public Task<bool[]> AddAsync(IReadOnlyList<(ulong Epoch, byte[] Tag)> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var pending = new PendingTags(tags);
        lock (queueGate)
        {
            queue.Add(pending);
            if (committing)
            {
                // The running committer takes these in its next transaction.
                return pending.Done.Task;
            }

            committing = true;
        }

        // This caller commits its group (with whoever queued meanwhile); what queues during that commit is
        // committed next, on the pool: a caller waits for at most the running commit and its own.
        CommitQueued();
        return pending.Done.Task;
    }

    private void CommitQueued()
    {
        List<PendingTags> group;
        lock (queueGate)
        {
            (group, queue) = (queue, []);
        }

        Commit(group);
        lock (queueGate)
        {
            if (queue.Count == 0)
            {
                committing = false;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(_ => CommitQueued(), null);
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

    private void Commit(List<PendingTags> group)
    {
        var results = group.Select(p => new bool[p.Tags.Count]).ToList();
        try
        {
            lock (gate)
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                try
                {
                    for (int i = 0; i < group.Count; i++)
                    {
                        for (int j = 0; j < group[i].Tags.Count; j++)
                        {
                            insertEpoch.Value = checked((long)group[i].Tags[j].Epoch);
                            insertTag.Value = group[i].Tags[j].Tag;
                            results[i][j] = insert.ExecuteNonQuery() == 1;
                        }
                    }

                    transaction.Commit();
                }
                finally
                {
                    insert.Transaction = null;
                }
            }
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                pending.Done.SetException(e);
            }

            return;
        }

        for (int i = 0; i < group.Count; i++)
        {
            group[i].Done.SetResult(results[i]);
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

    private sealed class PendingTags(IReadOnlyList<(ulong Epoch, byte[] Tag)> tags)
    {
        public IReadOnlyList<(ulong Epoch, byte[] Tag)> Tags { get; } = tags;

        // Continuations run elsewhere: the committer goes on with the next group at once.
        public TaskCompletionSource<bool[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
