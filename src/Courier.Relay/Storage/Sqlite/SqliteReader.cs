using Courier.Relay.Client;
using Microsoft.Data.Sqlite;

namespace Courier.Relay.Storage.Sqlite;

/// <summary>A reading connection with prepared statements; rented by one request at a time.</summary>
internal sealed class SqliteReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _getDrop;
    private readonly SqliteCommand _read;
    private readonly SqliteCommand _getNameplate;

    public SqliteReader(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _getDrop = Prepare("SELECT read_key, last_seq FROM drops WHERE name = $name", "$name");
        _read = Prepare("SELECT e.seq, e.data, e.msg_id FROM envelopes e WHERE e.drop_id = (SELECT id FROM drops WHERE name = $name) AND e.seq > $after AND e.data IS NOT NULL ORDER BY e.seq LIMIT $limit", "$name", "$after", "$limit");
        _getNameplate = Prepare("SELECT a.name, b.name, n.inviter_claim, n.acceptor_claim, n.interfered FROM nameplates n JOIN drops a ON a.id = n.drop_id JOIN drops b ON b.id = n.acceptor_drop_id WHERE n.number = $n AND n.expires > $now", "$n", "$now");
    }

    public DropState? GetDrop(byte[] name)
    {
        _getDrop.Parameters["$name"].Value = name;
        using var row = _getDrop.ExecuteReader();
        return row.Read() ? new DropState((byte[])row[0], row.GetInt64(1)) : null;
    }

    public IReadOnlyList<StoredEnvelope> Read(byte[] name, long after, int maxCount, int maxBytes)
    {
        _read.Parameters["$name"].Value = name;
        _read.Parameters["$after"].Value = after;
        _read.Parameters["$limit"].Value = maxCount;
        var result = new List<StoredEnvelope>();
        int bytes = 0;
        using var row = _read.ExecuteReader();
        while (row.Read())
        {
            var data = (byte[])row[1];
            if (result.Count > 0 && bytes + data.Length > maxBytes)
            {
                break;
            }

            bytes += data.Length;
            result.Add(new StoredEnvelope(row.GetInt64(0), data) { Id = MessageId.FromBytes((byte[])row[2]) });
        }

        return result;
    }

    public NameplateState? GetNameplate(int number, long now)
    {
        _getNameplate.Parameters["$n"].Value = number;
        _getNameplate.Parameters["$now"].Value = now;
        using var row = _getNameplate.ExecuteReader();
        return row.Read()
            ? new NameplateState(DropName.FromBytes((byte[])row[0]), DropName.FromBytes((byte[])row[1]), (byte[])row[2], (byte[])row[3], row.GetInt64(4) != 0)
            : null;
    }

    public long CountDrops()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM drops WHERE read_key != x''";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _getDrop.Dispose();
        _read.Dispose();
        _getNameplate.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }
}
