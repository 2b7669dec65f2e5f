using System.Collections.Concurrent;
using System.Threading.Channels;
using Courier.Relay.Client;
using Microsoft.Data.Sqlite;

namespace Courier.Relay.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite database in WAL mode with <c>synchronous=FULL</c>, so a committed
/// transaction has been fsynced. All writes go through one writer task that commits them in
/// groups (group commit): every append waiting when a commit starts shares its fsync. A group of
/// nonces only is committed without fsync (see <see cref="TryRememberNonceAsync"/>). Reads use
/// their own connections and never wait for the writer.
/// </summary>
public sealed class SqliteDropStore : IDropStore
{
    private const int MaxBatch = 512;

    private readonly string _connectionString;
    private readonly DropStoreOptions _options;
    private readonly Channel<WriteOp> _writes = Channel.CreateBounded<WriteOp>(new BoundedChannelOptions(16_384) { SingleReader = true });
    private readonly ConcurrentBag<SqliteReader> _readers = [];
    private readonly AppendSignals _signals = new();
    private readonly DropUses _uses;
    private readonly SqliteWriter _writer;
    private readonly Task _writerLoop;
    private long _sweepCursor;
    private long _dropCount;

    private SqliteDropStore(string connectionString, DropStoreOptions options)
    {
        _connectionString = connectionString;
        _options = options;
        _uses = new DropUses(options);
        _writer = new SqliteWriter(connectionString);
        // Counted once at open, then kept: keyed drops are only ever added, and only through this store.
        using (var reader = new SqliteReader(connectionString))
        {
            _dropCount = reader.CountDrops();
        }

        _writerLoop = Task.Factory.StartNew(WriterLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <inheritdoc/>
    public string Kind => "sqlite";

    /// <summary>Opens (creating if needed) the store in directory <paramref name="dataDirectory"/>.</summary>
    public static SqliteDropStore Open(string dataDirectory, DropStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "relay.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        };
        return new SqliteDropStore(builder.ToString(), options ?? new DropStoreOptions());
    }

    /// <inheritdoc/>
    public async Task<CreateDropOutcome> CreateDropAsync(DropName drop, ReadOnlyMemory<byte> readKey, CancellationToken cancellationToken)
    {
        var key = readKey.ToArray();
        var name = drop.Bytes.ToArray();
        long now = Now();
        var outcome = await WriteAsync(w => w.CreateDrop(name, key, now), cancellationToken).ConfigureAwait(false);
        if (outcome == CreateDropOutcome.Created)
        {
            Interlocked.Increment(ref _dropCount);
            _uses.Recorded(drop, now);
        }

        return outcome;
    }

    /// <inheritdoc/>
    public async Task<bool> TouchDropAsync(DropName drop, CancellationToken cancellationToken)
    {
        long now = Now();
        if (_uses.IsRecent(drop, now))
        {
            return true;
        }

        var name = drop.Bytes.ToArray();
        bool exists = await WriteAsync(w => w.Touch(name, now), cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            _uses.Recorded(drop, now);
        }

        return exists;
    }

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>?> GetDropKeysAsync(DropName drop, CancellationToken cancellationToken)
        => (await GetDropAsync(drop, cancellationToken).ConfigureAwait(false))?.Keys;

    /// <inheritdoc/>
    public Task<DropState?> GetDropAsync(DropName drop, CancellationToken cancellationToken)
    {
        var reader = RentReader();
        try
        {
            return Task.FromResult(reader.GetDrop(drop.Bytes.ToArray()));
        }
        finally
        {
            _readers.Add(reader);
        }
    }

    /// <inheritdoc/>
    public async Task<AppendOutcome> AppendAsync(DropName drop, MessageId messageId, ReadOnlyMemory<byte> envelope, int maxEnvelopes, CancellationToken cancellationToken)
    {
        var name = drop.Bytes.ToArray();
        var id = messageId.Bytes.ToArray();
        var data = envelope.ToArray();
        long now = Now();
        var outcome = await WriteAsync(w => w.Append(name, id, data, maxEnvelopes, now), cancellationToken, drop).ConfigureAwait(false);
        return outcome;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredEnvelope>> ReadAsync(DropName drop, long after, int maxCount, int maxBytes, CancellationToken cancellationToken)
    {
        var reader = RentReader();
        try
        {
            return Task.FromResult(reader.Read(drop.Bytes.ToArray(), after, maxCount, maxBytes));
        }
        finally
        {
            _readers.Add(reader);
        }
    }

    /// <inheritdoc/>
    public Task TrimAsync(DropName drop, long through, CancellationToken cancellationToken)
    {
        var name = drop.Bytes.ToArray();
        return WriteAsync(w => w.Trim(name, through), cancellationToken);
    }

    /// <inheritdoc/>
    public Task WaitForAppendAsync(DropName drop, long after, TimeSpan timeout, CancellationToken cancellationToken)
        => _signals.WaitAsync(this, drop, after, timeout, _options.Time, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> TryClaimNameplateAsync(int number, NameplateState nameplate, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameplate);
        var inviter = nameplate.InviterSlot.Bytes.ToArray();
        var acceptor = nameplate.AcceptorSlot.Bytes.ToArray();
        var claim = nameplate.InviterClaim.ToArray();
        long now = Now();
        long until = expires.ToUnixTimeMilliseconds();
        return WriteAsync(w => w.ClaimNameplate(number, inviter, acceptor, claim, now, until), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<NameplateState?> GetNameplateAsync(int number, CancellationToken cancellationToken)
    {
        var reader = RentReader();
        try
        {
            return Task.FromResult(reader.GetNameplate(number, Now()));
        }
        finally
        {
            _readers.Add(reader);
        }
    }

    /// <inheritdoc/>
    public Task<JoinOutcome> TryJoinNameplateAsync(int number, ReadOnlyMemory<byte> acceptorClaim, CancellationToken cancellationToken)
    {
        var claim = acceptorClaim.ToArray();
        long now = Now();
        return WriteAsync(w => w.JoinNameplate(number, claim, now), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> ReleaseNameplateAsync(int number, CancellationToken cancellationToken)
    {
        long now = Now();
        return WriteAsync(w => w.ReleaseNameplate(number, now), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<NonceOutcome> TryRememberNonceAsync(DropName drop, ReadOnlyMemory<byte> nonce, long signedAt, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var name = drop.Bytes.ToArray();
        var bytes = nonce.ToArray();
        long until = expires.ToUnixTimeMilliseconds();
        long now = Now();
        // Not fsynced by itself (docs/relay-api.md, "Signed requests"): in the file at once, so a
        // restart or a crash of the process keeps it, and under the fsync of the next write.
        return WriteAsync(w => w.RememberNonce(name, signedAt, bytes, until, now), cancellationToken, fsync: false);
    }

    /// <inheritdoc/>
    public async Task<long> SweepAsync(CancellationToken cancellationToken)
    {
        long now = Now();
        long retentionCutoff = now - (long)_options.Retention.TotalMilliseconds;
        long tombstoneCutoff = now - (long)_options.DedupeWindow.TotalMilliseconds;
        long removed = 0;
        await WriteAsync(w => w.ExpireNameplates(now), cancellationToken).ConfigureAwait(false);
        int expiredWindows;
        do
        {
            expiredWindows = await WriteAsync(w => w.ExpireNonces(now), cancellationToken).ConfigureAwait(false);
        }
        while (expiredWindows > 0);

        long idleCutoff = _options.IdleCutoff(now);
        int idleDrops;
        do
        {
            idleDrops = await WriteAsync(w => w.DeleteIdleDrops(idleCutoff), cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _dropCount, -idleDrops);
        }
        while (idleDrops > 0);

        // One pass over the table in rowid order, a slice per transaction so appends are never held up long.
        while (true)
        {
            long cursor = _sweepCursor;
            var (deleted, next) = await WriteAsync(w => w.SweepSlice(cursor, retentionCutoff, tombstoneCutoff), cancellationToken).ConfigureAwait(false);
            removed += deleted;
            _sweepCursor = next;
            if (next == 0)
            {
                return removed;
            }
        }
    }

    /// <inheritdoc/>
    public Task<long> CountDropsAsync(CancellationToken cancellationToken) => Task.FromResult(Interlocked.Read(ref _dropCount));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        _writer.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private long Now() => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteReader RentReader() => _readers.TryTake(out var reader) ? reader : new SqliteReader(_connectionString);

    private async Task<T> WriteAsync<T>(Func<SqliteWriter, T> action, CancellationToken cancellationToken, DropName? signal = null, bool fsync = true)
    {
        var op = new WriteOp<T>(action, signal, fsync);
        await _writes.Writer.WriteAsync(op, cancellationToken).ConfigureAwait(false);
        return await op.Task.ConfigureAwait(false);
    }

    private async Task WriterLoopAsync()
    {
        var batch = new List<WriteOp>(MaxBatch);
        var reader = _writes.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var op))
            {
                batch.Add(op);
            }

            try
            {
                // One write that must survive power loss when acknowledged makes the whole group fsync.
                _writer.Begin(fsync: batch.Exists(op => op.Fsync));
                foreach (var op in batch)
                {
                    op.Execute(_writer);
                }

                _writer.Commit();
            }
            catch (Exception ex)
            {
                _writer.Rollback();
                foreach (var op in batch)
                {
                    op.Fail(ex);
                }

                continue;
            }

            foreach (var op in batch)
            {
                op.Complete();
                if (op.Signal is { } drop)
                {
                    _signals.Signal(drop);
                }
            }
        }
    }

    private abstract class WriteOp(DropName? signal, bool fsync)
    {
        public DropName? Signal { get; } = signal;

        public bool Fsync { get; } = fsync;

        public abstract void Execute(SqliteWriter writer);

        public abstract void Complete();

        public abstract void Fail(Exception ex);
    }

    private sealed class WriteOp<T>(Func<SqliteWriter, T> action, DropName? signal, bool fsync) : WriteOp(signal, fsync)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public override void Execute(SqliteWriter writer) => _result = action(writer);

        // Results are released only after the commit, so nothing is acknowledged before it is durable.
        public override void Complete() => _completion.TrySetResult(_result!);

        public override void Fail(Exception ex) => _completion.TrySetException(ex);
    }
}
