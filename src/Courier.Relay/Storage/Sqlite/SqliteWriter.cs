using Microsoft.Data.Sqlite;

namespace Courier.Relay.Storage.Sqlite;

/// <summary>The single writing connection with its prepared statements; used only by the writer task.</summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _findDrop;
    private readonly SqliteCommand _findMessage;
    private readonly SqliteCommand _firstLive;
    private readonly SqliteCommand _insertEnvelope;
    private readonly SqliteCommand _setLastSeq;
    private readonly SqliteCommand _insertDrop;
    private readonly SqliteCommand _findNonces;
    private readonly SqliteCommand _putNonces;
    private readonly List<SqliteCommand> _all = [];
    private readonly SqliteCommand _synchronousFull;
    private readonly SqliteCommand _synchronousNormal;
    private SqliteTransaction? _transaction;
    private bool _fsync = true;

    public SqliteWriter(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using (var probe = Command(SqliteSchema.HasOldNameplates))
        {
            if ((long)probe.ExecuteScalar()! == 1)
            {
                Execute(SqliteSchema.DropOldNameplates);
            }
        }

        Execute(SqliteSchema.Create);
        using (var probe = Command(SqliteSchema.HasTouched))
        {
            if ((long)probe.ExecuteScalar()! == 0)
            {
                Execute(SqliteSchema.AddTouched);
            }
        }

        Execute(SqliteSchema.IndexTouched);
        // FULL: each commit fsyncs the WAL, so a commit that returned survives power loss.
        _synchronousFull = _connection.CreateCommand();
        _synchronousFull.CommandText = "PRAGMA synchronous = FULL;";
        _synchronousNormal = _connection.CreateCommand();
        _synchronousNormal.CommandText = "PRAGMA synchronous = NORMAL;";
        _synchronousFull.ExecuteNonQuery();
        _findDrop = Prepare("SELECT id, last_seq, trimmed FROM drops WHERE name = $name");
        _findMessage = Prepare("SELECT seq FROM envelopes WHERE drop_id = $drop AND msg_id = $msg");
        _firstLive = Prepare("SELECT MIN(seq) FROM envelopes WHERE drop_id = $drop AND seq > $trimmed AND data IS NOT NULL");
        _insertEnvelope = Prepare("INSERT INTO envelopes (drop_id, seq, msg_id, stored, data) VALUES ($drop, $seq, $msg, $stored, $data)");
        _setLastSeq = Prepare("UPDATE drops SET last_seq = $seq WHERE id = $drop");
        _insertDrop = Prepare("INSERT INTO drops (name, read_key, created, touched) VALUES ($name, $key, $created, $created) ON CONFLICT (name) DO NOTHING");
        _findNonces = Prepare("SELECT nonces FROM nonces WHERE drop_name = $name AND second = $second AND expires > $now");
        _putNonces = Prepare("INSERT OR REPLACE INTO nonces (drop_name, second, expires, nonces) VALUES ($name, $second, $expires, $nonces)");
    }

    /// <summary>
    /// Starts a transaction; with <paramref name="fsync"/> false its commit is not fsynced
    /// (<c>synchronous=NORMAL</c>): it survives a crash of the process at once, and a power loss from
    /// the next fsynced commit on, as that fsync of the WAL covers every frame before it.
    /// </summary>
    public void Begin(bool fsync)
    {
        if (fsync != _fsync)
        {
            // The level cannot change inside a transaction, so it is set before each one that differs.
            (fsync ? _synchronousFull : _synchronousNormal).ExecuteNonQuery();
            _fsync = fsync;
        }

        _transaction = _connection.BeginTransaction();
        foreach (var command in _all)
        {
            command.Transaction = _transaction;
        }
    }

    public void Commit()
    {
        _transaction!.Commit();
        _transaction.Dispose();
        _transaction = null;
    }

    public void Rollback()
    {
        try
        {
            _transaction?.Rollback();
        }
        catch (SqliteException)
        {
            // The failure that brought us here may already have ended the transaction.
        }

        _transaction?.Dispose();
        _transaction = null;
    }

    public CreateDropOutcome CreateDrop(byte[] name, byte[] readKey, long now)
    {
        _insertDrop.Parameters["$name"].Value = name;
        _insertDrop.Parameters["$key"].Value = readKey;
        _insertDrop.Parameters["$created"].Value = now;
        if (_insertDrop.ExecuteNonQuery() == 1)
        {
            return CreateDropOutcome.Created;
        }

        using var command = Command("SELECT read_key FROM drops WHERE name = $name");
        command.Parameters.AddWithValue("$name", name);
        var existing = (byte[]?)command.ExecuteScalar() ?? [];
        return existing.Length > 0 && existing.AsSpan().SequenceEqual(readKey) ? CreateDropOutcome.Exists : CreateDropOutcome.Conflict;
    }

    /// <summary>Records a use of a keyed drop; false when there is none.</summary>
    public bool Touch(byte[] name, long now)
    {
        using var command = Command("UPDATE drops SET touched = $now WHERE name = $name AND length(read_key) > 0");
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$now", now);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Deletes up to 1024 keyed drops last used at or before <paramref name="cutoff"/> and holding no envelope, with their keys and tombstones; returns how many went.</summary>
    public int DeleteIdleDrops(long cutoff)
    {
        var idle = new List<long>();
        using (var command = Command("""
            SELECT id FROM drops WHERE touched <= $cutoff AND length(read_key) > 0
                AND NOT EXISTS (SELECT 1 FROM envelopes WHERE drop_id = drops.id AND seq > drops.trimmed AND data IS NOT NULL)
            LIMIT 1024
            """))
        {
            command.Parameters.AddWithValue("$cutoff", cutoff);
            using var row = command.ExecuteReader();
            while (row.Read())
            {
                idle.Add(row.GetInt64(0));
            }
        }

        foreach (long dropId in idle)
        {
            DeleteDrop(dropId);
        }

        return idle.Count;
    }

    public AppendOutcome Append(byte[] name, byte[] messageId, byte[] data, int maxEnvelopes, long now)
    {
        _findDrop.Parameters["$name"].Value = name;
        long dropId, lastSeq, trimmed;
        using (var row = _findDrop.ExecuteReader())
        {
            if (!row.Read())
            {
                return new AppendOutcome(AppendStatus.NoSuchDrop, 0);
            }

            dropId = row.GetInt64(0);
            lastSeq = row.GetInt64(1);
            trimmed = row.GetInt64(2);
        }

        _findMessage.Parameters["$drop"].Value = dropId;
        _findMessage.Parameters["$msg"].Value = messageId;
        if (_findMessage.ExecuteScalar() is long seen)
        {
            return new AppendOutcome(AppendStatus.Duplicate, seen);
        }

        // Cheap bound first; count exactly only near the quota (retention may have freed room).
        if (lastSeq - trimmed >= maxEnvelopes)
        {
            _firstLive.Parameters["$drop"].Value = dropId;
            _firstLive.Parameters["$trimmed"].Value = trimmed;
            long held = _firstLive.ExecuteScalar() is long first ? lastSeq - first + 1 : 0;
            if (held >= maxEnvelopes)
            {
                return new AppendOutcome(AppendStatus.Full, 0);
            }
        }

        long seq = lastSeq + 1;
        _insertEnvelope.Parameters["$drop"].Value = dropId;
        _insertEnvelope.Parameters["$seq"].Value = seq;
        _insertEnvelope.Parameters["$msg"].Value = messageId;
        _insertEnvelope.Parameters["$stored"].Value = now;
        _insertEnvelope.Parameters["$data"].Value = data;
        _insertEnvelope.ExecuteNonQuery();
        _setLastSeq.Parameters["$drop"].Value = dropId;
        _setLastSeq.Parameters["$seq"].Value = seq;
        _setLastSeq.ExecuteNonQuery();
        return new AppendOutcome(AppendStatus.Appended, seq);
    }

    public bool Trim(byte[] name, long through)
    {
        using var command = Command("""
            UPDATE envelopes SET data = NULL
            WHERE drop_id = (SELECT id FROM drops WHERE name = $name) AND seq <= $through AND data IS NOT NULL;
            UPDATE drops SET trimmed = MAX(trimmed, MIN($through, last_seq)) WHERE name = $name;
            """);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$through", through);
        command.ExecuteNonQuery();
        return true;
    }

    public NonceOutcome RememberNonce(byte[] name, long second, byte[] nonce, long expires, long now)
    {
        _findNonces.Parameters["$name"].Value = name;
        long slot = ReplayWindow.Slot(second, nonce);
        _findNonces.Parameters["$second"].Value = slot;
        _findNonces.Parameters["$now"].Value = now;
        var window = _findNonces.ExecuteScalar() as byte[] ?? [];
        var outcome = ReplayWindow.TryAdd(window, nonce, out var updated);
        if (outcome == NonceOutcome.Remembered)
        {
            _putNonces.Parameters["$name"].Value = name;
            _putNonces.Parameters["$second"].Value = slot;
            _putNonces.Parameters["$expires"].Value = expires;
            _putNonces.Parameters["$nonces"].Value = updated;
            _putNonces.ExecuteNonQuery();
        }

        return outcome;
    }

    /// <summary>Deletes up to 4096 expired nonce windows (by the index on expiry, no scan); returns how many went.</summary>
    public int ExpireNonces(long now)
    {
        using var command = Command("DELETE FROM nonces WHERE (drop_name, second) IN (SELECT drop_name, second FROM nonces WHERE expires <= $now LIMIT 4096)");
        command.Parameters.AddWithValue("$now", now);
        return command.ExecuteNonQuery();
    }

    public bool ClaimNameplate(int number, byte[] inviterSlot, byte[] acceptorSlot, byte[] inviterClaim, long now, long expires)
    {
        using (var old = Command("SELECT drop_id, acceptor_drop_id, expires FROM nameplates WHERE number = $n"))
        {
            old.Parameters.AddWithValue("$n", number);
            using var row = old.ExecuteReader();
            if (row.Read())
            {
                if (row.GetInt64(2) > now)
                {
                    return false;
                }

                long inviterDrop = row.GetInt64(0), acceptorDrop = row.GetInt64(1);
                row.Close();
                DeleteDrop(inviterDrop);
                DeleteDrop(acceptorDrop);
            }
        }

        using var command = Command("""
            INSERT INTO drops (name, read_key, created) VALUES ($inviter, x'', $now);
            INSERT INTO drops (name, read_key, created) VALUES ($acceptor, x'', $now);
            INSERT OR REPLACE INTO nameplates (number, drop_id, acceptor_drop_id, inviter_claim, acceptor_claim, interfered, expires)
            VALUES ($n, (SELECT id FROM drops WHERE name = $inviter), last_insert_rowid(), $claim, x'', 0, $expires);
            """);
        command.Parameters.AddWithValue("$inviter", inviterSlot);
        command.Parameters.AddWithValue("$acceptor", acceptorSlot);
        command.Parameters.AddWithValue("$claim", inviterClaim);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$n", number);
        command.Parameters.AddWithValue("$expires", expires);
        command.ExecuteNonQuery();
        return true;
    }

    public JoinOutcome JoinNameplate(int number, byte[] acceptorClaim, long now)
    {
        using var command = Command("""
            UPDATE nameplates SET
                interfered = interfered OR length(acceptor_claim) > 0,
                acceptor_claim = CASE WHEN length(acceptor_claim) > 0 THEN acceptor_claim ELSE $claim END
            WHERE number = $n AND expires > $now
            RETURNING interfered
            """);
        command.Parameters.AddWithValue("$claim", acceptorClaim);
        command.Parameters.AddWithValue("$n", number);
        command.Parameters.AddWithValue("$now", now);
        return command.ExecuteScalar() switch
        {
            null => JoinOutcome.NoSuchNameplate,
            long interfered when interfered != 0 => JoinOutcome.Taken,
            _ => JoinOutcome.Joined,
        };
    }

    public bool ReleaseNameplate(int number, long now)
    {
        using var command = Command("DELETE FROM nameplates WHERE number = $n RETURNING drop_id, acceptor_drop_id, expires");
        command.Parameters.AddWithValue("$n", number);
        long inviterDrop, acceptorDrop, expires;
        using (var row = command.ExecuteReader())
        {
            if (!row.Read())
            {
                return false;
            }

            inviterDrop = row.GetInt64(0);
            acceptorDrop = row.GetInt64(1);
            expires = row.GetInt64(2);
        }

        DeleteDrop(inviterDrop);
        DeleteDrop(acceptorDrop);
        return expires > now;
    }

    public bool ExpireNameplates(long now)
    {
        var expired = new List<long>();
        using (var command = Command("DELETE FROM nameplates WHERE expires <= $now RETURNING drop_id, acceptor_drop_id"))
        {
            command.Parameters.AddWithValue("$now", now);
            using var row = command.ExecuteReader();
            while (row.Read())
            {
                expired.Add(row.GetInt64(0));
                expired.Add(row.GetInt64(1));
            }
        }

        foreach (long dropId in expired)
        {
            DeleteDrop(dropId);
        }

        return true;
    }

    /// <summary>Deletes expired envelopes and old tombstones among the next rows after <paramref name="cursor"/>; returns the count and the next cursor (0 at the end).</summary>
    public (long Deleted, long Next) SweepSlice(long cursor, long retentionCutoff, long tombstoneCutoff)
    {
        long last;
        using (var bound = Command("SELECT MAX(rowid) FROM (SELECT rowid FROM envelopes WHERE rowid > $cursor ORDER BY rowid LIMIT 4096)"))
        {
            bound.Parameters.AddWithValue("$cursor", cursor);
            if (bound.ExecuteScalar() is not long max)
            {
                return (0, 0);
            }

            last = max;
        }

        using var delete = Command("DELETE FROM envelopes WHERE rowid > $cursor AND rowid <= $last AND (stored <= $retention OR (data IS NULL AND stored <= $tombstone))");
        delete.Parameters.AddWithValue("$cursor", cursor);
        delete.Parameters.AddWithValue("$last", last);
        delete.Parameters.AddWithValue("$retention", retentionCutoff);
        delete.Parameters.AddWithValue("$tombstone", tombstoneCutoff);
        return (delete.ExecuteNonQuery(), last);
    }

    public void Dispose()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }

        _synchronousFull.Dispose();
        _synchronousNormal.Dispose();
        _connection.Dispose();
    }

    private void DeleteDrop(long dropId)
    {
        using var command = Command("DELETE FROM envelopes WHERE drop_id = $d; DELETE FROM drops WHERE id = $d;");
        command.Parameters.AddWithValue("$d", dropId);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return command;
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(sql, @"\$[a-z]+").Select(m => m.Value).Distinct())
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        _all.Add(command);
        return command;
    }
}
