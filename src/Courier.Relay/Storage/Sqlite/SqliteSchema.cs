namespace Courier.Relay.Storage.Sqlite;

/// <summary>The SQLite schema. Times are Unix milliseconds; names, keys and ids are raw bytes.</summary>
internal static class SqliteSchema
{
    // envelopes is a rowid table: rowid order is (nearly) arrival order, which the sweeper walks.
    // A trimmed envelope keeps its row without data (a tombstone) until the dedupe window passes,
    // so a late retry of its message id still gets the original sequence number.
    // A nameplate has two open drops, one per side, and the SHA-256 of each side's claim
    // (acceptor_claim is empty until someone joined).
    // nonces holds each drop's replay window per timestamp second in parts (ReplayWindow), until it
    // expires; its column "second" holds ReplayWindow.Slot, the second times the parts plus the part.
    public const string Create = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS drops (
            id INTEGER PRIMARY KEY,
            name BLOB NOT NULL UNIQUE,
            read_key BLOB NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            trimmed INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL,
            touched INTEGER NOT NULL DEFAULT 0
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
            acceptor_drop_id INTEGER NOT NULL,
            inviter_claim BLOB NOT NULL,
            acceptor_claim BLOB NOT NULL,
            interfered INTEGER NOT NULL,
            expires INTEGER NOT NULL
        );
        """;

    // drops.touched is a keyed drop's last recorded use (creation, append, signed fetch or trim);
    // the sweeper deletes keyed drops idle past the retention period by the index on it. A database
    // from before it gets the column with the time of the upgrade, so no drop counts as idle at once.
    public const string HasTouched = "SELECT EXISTS (SELECT 1 FROM pragma_table_info('drops') WHERE name = 'touched')";

    public const string AddTouched = """
        ALTER TABLE drops ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
        UPDATE drops SET touched = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
        """;

    public const string IndexTouched = "CREATE INDEX IF NOT EXISTS drops_touched ON drops (touched);";

    // A nameplates table from before claims (one drop, no claims): its first contacts cannot finish
    // under the new rules, so its nameplates and their drops go; they would expire within minutes anyway.
    public const string DropOldNameplates = """
        DELETE FROM envelopes WHERE drop_id IN (SELECT drop_id FROM nameplates);
        DELETE FROM drops WHERE id IN (SELECT drop_id FROM nameplates);
        DROP TABLE nameplates;
        """;

    public const string HasOldNameplates = """
        SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'nameplates')
           AND NOT EXISTS (SELECT 1 FROM pragma_table_info('nameplates') WHERE name = 'acceptor_drop_id')
        """;
}
