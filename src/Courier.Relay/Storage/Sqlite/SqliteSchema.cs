namespace Courier.Relay.Storage.Sqlite;

/// <summary>The SQLite schema. Times are Unix milliseconds; names, keys and ids are raw bytes.</summary>
internal static class SqliteSchema
{
    // envelopes is a rowid table: rowid order is (nearly) arrival order, which the sweeper walks.
    // A trimmed envelope keeps its row without data (a tombstone) until the dedupe window passes,
    // so a late retry of its message id still gets the original sequence number.
    // nonces holds each drop's replay window per timestamp second (ReplayWindow), until it expires.
    public const string Create = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS drops (
            id INTEGER PRIMARY KEY,
            name BLOB NOT NULL UNIQUE,
            read_key BLOB NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            trimmed INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS envelopes (
            drop_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            msg_id BLOB NOT NULL,
            stored INTEGER NOT NULL,
            data BLOB,
            UNIQUE (drop_id, seq)
        );
        CREATE UNIQUE INDEX IF NOT EXISTS envelopes_msg ON envelopes (drop_id, msg_id);
        CREATE TABLE IF NOT EXISTS nonces (
            drop_name BLOB NOT NULL,
            second INTEGER NOT NULL,
            expires INTEGER NOT NULL,
            nonces BLOB NOT NULL,
            PRIMARY KEY (drop_name, second)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS nonces_expires ON nonces (expires);
        CREATE TABLE IF NOT EXISTS nameplates (
            number INTEGER PRIMARY KEY,
            drop_id INTEGER NOT NULL,
            expires INTEGER NOT NULL
        );
        """;
}
