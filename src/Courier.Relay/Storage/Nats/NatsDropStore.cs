using System.Collections.Concurrent;
using Courier.Relay.Client;
using NATS.Client.Core;

namespace Courier.Relay.Storage.Nats;

/// <summary>
/// The cluster store: NATS JetStream, shared by any number of stateless relay processes.
/// Envelopes live in a few replicated shard streams, one subject per drop; each message body
/// carries the drop's sequence number. A relay appends to a shard in pipelined chains in which
/// every message names the stream's last sequence number and last message id it expects
/// (<c>Nats-Expected-Last-Sequence</c>, <c>Nats-Expected-Last-Msg-Id</c>), so JetStream stores a
/// prefix of each chain at the predicted positions and refuses the rest, however many relays write
/// at once: a drop's numbering can never fork or leave a gap. JetStream's message-id window
/// deduplicates retries. Drop keys, nameplates and request nonces live in replicated key-value
/// buckets.
/// </summary>
/// <remarks>
/// nats-server 2.9 acknowledges a publish once it is stored, before fsync; it is the replication
/// (an acknowledgement means a quorum of the R3 stream has it) that makes an acknowledged envelope
/// survive the loss of one node. The per-subject check (<c>Nats-Expected-Last-Subject-Sequence</c>)
/// is not used: in clustered 2.9 streams concurrent publishes can all pass it (nats-server #4320).
/// The parts: <see cref="NatsBootstrap"/> (connecting, streams and buckets), <see cref="ShardAppender"/>
/// (appends and trims), <see cref="LogReader"/> (reads) and <see cref="NatsKeyValue"/> (drops,
/// nameplates, nonces).
/// </remarks>
public sealed class NatsDropStore : IDropStore
{
    private readonly NatsConnection _nats;
    private readonly NatsKeyValue _keyValue;
    private readonly LogReader _log;
    private readonly ShardAppender _appender;
    private readonly ConcurrentDictionary<DropName, byte[]> _keys = new();
    private readonly DropStoreOptions _options;
    private readonly DropUses _uses;
    private readonly IdleDrops _idle;

    private NatsDropStore(NatsCluster cluster, DropStoreOptions options)
    {
        _nats = cluster.Connection;
        _keyValue = cluster.KeyValue;
        _log = new LogReader(cluster.Streams, cluster.KeyValue, options.Time);
        _appender = new ShardAppender(cluster.JetStream, cluster.Streams, _log, cluster.KeyValue);
        _options = options;
        _uses = new DropUses(options);
        _idle = new IdleDrops(cluster.JetStream, cluster.DropsBucket, _log);
    }

    /// <inheritdoc/>
    public string Kind => "nats";

    /// <summary>Connects to the cluster at <paramref name="urls"/> (comma-separated) and creates the streams and buckets if missing.</summary>
    /// <param name="urls">NATS server URLs, such as <c>nats://127.0.0.1:4222,nats://127.0.0.1:4223</c>.</param>
    /// <param name="options">Retention, dedupe window and clock.</param>
    /// <param name="replicas">Replicas of the streams and buckets; 3 survives the loss of one node.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <param name="tls">TLS to the servers (a CA file, a client certificate; docs/tls.md); by default TLS only for <c>tls://</c> URLs.</param>
    public static async Task<NatsDropStore> ConnectAsync(string urls, DropStoreOptions? options = null, int replicas = 3, CancellationToken cancellationToken = default, NatsTlsOpts? tls = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(urls);
        options ??= new DropStoreOptions();
        var cluster = await NatsBootstrap.ConnectAsync(urls, options, replicas, tls, cancellationToken).ConfigureAwait(false);
        return new NatsDropStore(cluster, options);
    }

    /// <inheritdoc/>
    public async Task<CreateDropOutcome> CreateDropAsync(DropName drop, ReadOnlyMemory<byte> readKey, CancellationToken cancellationToken)
    {
        if (await _keyValue.TryCreateDropAsync(drop, readKey, cancellationToken).ConfigureAwait(false))
        {
            _uses.Recorded(drop, _keyValue.Now());
            return CreateDropOutcome.Created;
        }

        var existing = await _keyValue.GetMetaAsync(drop, cancellationToken).ConfigureAwait(false);
        return existing is { } m && m.Key.Length > 0 && m.Key.AsSpan().SequenceEqual(readKey.Span) ? CreateDropOutcome.Exists : CreateDropOutcome.Conflict;
    }

    /// <inheritdoc/>
    public async Task<DropState?> GetDropAsync(DropName drop, CancellationToken cancellationToken)
    {
        if (await KeysAsync(drop, cancellationToken).ConfigureAwait(false) is not var (key, floor))
        {
            return null;
        }

        var tail = await _log.LoadTailAsync(drop, floor, cancellationToken).ConfigureAwait(false);
        return new DropState(key, tail.DropSeq);
    }

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>?> GetDropKeysAsync(DropName drop, CancellationToken cancellationToken)
    {
        if (await KeysAsync(drop, cancellationToken).ConfigureAwait(false) is not var (key, _))
        {
            return null;
        }

        return key;
    }

    /// <summary>The drop's keys (cached once known: a keyed drop's keys never change) and, when just read, its floor (-1 when cached); null when there is no such drop.</summary>
    private async Task<(byte[] Key, long Floor)?> KeysAsync(DropName drop, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(drop, out var cached))
        {
            return (cached, -1);
        }

        var meta = await _keyValue.GetMetaAsync(drop, cancellationToken).ConfigureAwait(false);
        if (meta is null)
        {
            return null;
        }

        if (meta.Value.Key.Length > 0)
        {
            BoundedCache.Remember(_keys, drop, meta.Value.Key);
        }

        return (meta.Value.Key, meta.Value.Floor);
    }

    /// <inheritdoc/>
    public async Task<bool> TouchDropAsync(DropName drop, CancellationToken cancellationToken)
    {
        long now = _keyValue.Now();
        if (_uses.IsRecent(drop, now))
        {
            return true;
        }

        if (!await _keyValue.TouchAsync(drop, cancellationToken).ConfigureAwait(false))
        {
            // Deleted as idle (maybe by another relay): forget its cached key.
            _keys.TryRemove(drop, out _);
            return false;
        }

        _uses.Recorded(drop, now);
        return true;
    }

    /// <inheritdoc/>
    public async Task<AppendOutcome> AppendAsync(DropName drop, MessageId messageId, ReadOnlyMemory<byte> envelope, int maxEnvelopes, CancellationToken cancellationToken)
    {
        if (!_keys.ContainsKey(drop))
        {
            // A keyed drop is deleted only when idle, and the relay touches a drop before each append
            // (TouchDropAsync forgets the key of one that is gone), so one look-up per relay suffices;
            // a nameplate's open drop is looked up every time, as its nameplate may be released.
            var meta = await _keyValue.GetMetaAsync(drop, cancellationToken).ConfigureAwait(false);
            if (meta is null)
            {
                return new AppendOutcome(AppendStatus.NoSuchDrop, 0);
            }

            if (meta.Value.Key.Length > 0)
            {
                BoundedCache.Remember(_keys, drop, meta.Value.Key);
            }
        }

        return await _appender.AppendAsync(drop, messageId, envelope, maxEnvelopes, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredEnvelope>> ReadAsync(DropName drop, long after, int maxCount, int maxBytes, CancellationToken cancellationToken)
        => _log.ReadAsync(drop, after, maxCount, maxBytes, cancellationToken);

    /// <inheritdoc/>
    public Task TrimAsync(DropName drop, long through, CancellationToken cancellationToken)
        => _appender.TrimAsync(drop, through, cancellationToken);

    /// <inheritdoc/>
    public async Task WaitForAppendAsync(DropName drop, long after, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Every relay's publish on the drop's subject also reaches plain subscribers, so this wakes
        // for appends made through any relay of the cluster.
        await using var subscription = await _nats.SubscribeCoreAsync<byte[]>(ShardLayout.Subject(drop), cancellationToken: cancellationToken).ConfigureAwait(false);
        var state = await GetDropAsync(drop, cancellationToken).ConfigureAwait(false);
        if (state is null || state.LastSeq > after)
        {
            return;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await subscription.Msgs.WaitToReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Timed out or the request ended: the caller reads whatever is there.
        }
    }

    /// <inheritdoc/>
    public async Task<bool> TryClaimNameplateAsync(int number, NameplateState nameplate, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameplate);
        if (!await _keyValue.TryCreateDropAsync(nameplate.InviterSlot, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false)
            || !await _keyValue.TryCreateDropAsync(nameplate.AcceptorSlot, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (await _keyValue.TryCreateNameplateAsync(number, nameplate, expires, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        if (await _keyValue.TryTakeExpiredNameplateAsync(number, nameplate, expires, cancellationToken).ConfigureAwait(false) is { } expired)
        {
            await DeleteSlotsAsync(expired, cancellationToken).ConfigureAwait(false);
            return true;
        }

        await DeleteSlotsAsync(nameplate, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <inheritdoc/>
    public async Task<NameplateState?> GetNameplateAsync(int number, CancellationToken cancellationToken)
    {
        var nameplate = await _keyValue.GetNameplateAsync(number, cancellationToken).ConfigureAwait(false);
        return nameplate is { } n && n.Expires > _keyValue.Now() ? n.State : null;
    }

    /// <inheritdoc/>
    public Task<JoinOutcome> TryJoinNameplateAsync(int number, ReadOnlyMemory<byte> acceptorClaim, CancellationToken cancellationToken)
        => _keyValue.TryJoinNameplateAsync(number, acceptorClaim, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> ReleaseNameplateAsync(int number, CancellationToken cancellationToken)
    {
        if (await _keyValue.GetNameplateAsync(number, cancellationToken).ConfigureAwait(false) is not { } nameplate)
        {
            return false;
        }

        await _keyValue.PurgeNameplateAsync(number, cancellationToken).ConfigureAwait(false);
        await DeleteSlotsAsync(nameplate.State, cancellationToken).ConfigureAwait(false);
        return nameplate.Expires > _keyValue.Now();
    }

    /// <inheritdoc/>
    public Task<NonceOutcome> TryRememberNonceAsync(DropName drop, ReadOnlyMemory<byte> nonce, long signedAt, DateTimeOffset expires, CancellationToken cancellationToken)
        => _keyValue.TryRememberNonceAsync(drop, signedAt, nonce, cancellationToken);

    /// <inheritdoc/>
    public async Task<long> SweepAsync(CancellationToken cancellationToken)
    {
        // Envelopes expire by the stream's MaxAge and nonces and nameplates by their buckets' ages;
        // JetStream deletes them itself. Idle drops go by the store's clock.
        foreach (var drop in await _idle.SweepAsync(_options.IdleCutoff(_keyValue.Now()), cancellationToken).ConfigureAwait(false))
        {
            _keys.TryRemove(drop, out _);
        }

        return 0;
    }

    /// <inheritdoc/>
    public Task<long> CountDropsAsync(CancellationToken cancellationToken) => _keyValue.CountDropsAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _appender.StopAsync().ConfigureAwait(false);
        await _nats.DisposeAsync().ConfigureAwait(false);
        _appender.Dispose();
    }

    private async Task DeleteSlotsAsync(NameplateState nameplate, CancellationToken cancellationToken)
    {
        foreach (var slot in (DropName[])[nameplate.InviterSlot, nameplate.AcceptorSlot])
        {
            await _log.PurgeAsync(slot, cancellationToken).ConfigureAwait(false);
            await _keyValue.PurgeDropAsync(slot, cancellationToken).ConfigureAwait(false);
        }
    }
}
