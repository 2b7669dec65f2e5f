using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using Courier.Relay.Client;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Courier.Relay.Storage;

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
/// </remarks>
public sealed class NatsDropStore : IDropStore
{
    /// <summary>
    /// Shard streams. Fewer shards batch more appends into each replication round (one shard is
    /// fastest for one relay); more shards mean fewer refused chains when several relays write at
    /// once. Fixed: a drop's shard must be the same in every relay, now and later.
    /// </summary>
    internal const int ShardCount = 4;
    private const string StreamPrefix = "COURIER_ENVELOPES_";
    private const string SubjectPrefix = "courier.e.";
    private const int WrongLastSequence = 10071;
    private const int WrongLastMsgId = 10070;
    private const int NoMessageFound = 10037;
    private const int CacheLimit = 200_000;
    private const int MaxChainsInFlight = 8;

    private readonly NatsConnection _nats;
    private readonly INatsJSContext _js;
    private readonly INatsJSStream[] _streams;
    private readonly Shard[] _shards;
    private readonly Task[] _workers;
    private readonly INatsKVStore _drops;
    private readonly INatsKVStore _nameplates;
    private readonly INatsKVStore _nonces;
    private readonly DropStoreOptions _options;
    private readonly ConcurrentDictionary<DropName, byte[]> _keys = new();
    private readonly ConcurrentDictionary<DropName, Position> _readHints = new();

    private NatsDropStore(NatsConnection nats, INatsJSContext js, INatsJSStream[] streams, INatsKVStore drops, INatsKVStore nameplates, INatsKVStore nonces, DropStoreOptions options)
    {
        _nats = nats;
        _js = js;
        _streams = streams;
        _shards = streams.Select(_ => new Shard()).ToArray();
        _workers = Enumerable.Range(0, streams.Length).Select(k => Task.Run(() => ShardWorkerAsync(k))).ToArray();
        _drops = drops;
        _nameplates = nameplates;
        _nonces = nonces;
        _options = options;
    }

    /// <inheritdoc/>
    public string Kind => "nats";

    /// <summary>Connects to the cluster at <paramref name="urls"/> (comma-separated) and creates the streams and buckets if missing.</summary>
    /// <param name="urls">NATS server URLs, such as <c>nats://127.0.0.1:4222,nats://127.0.0.1:4223</c>.</param>
    /// <param name="options">Retention, dedupe window and clock.</param>
    /// <param name="replicas">Replicas of the streams and buckets; 3 survives the loss of one node.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    public static async Task<NatsDropStore> ConnectAsync(string urls, DropStoreOptions? options = null, int replicas = 3, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(urls);
        options ??= new DropStoreOptions();
        var nats = new NatsConnection(NatsOpts.Default with
        {
            Url = urls,
            Name = "courier-relay",
            RequestTimeout = TimeSpan.FromSeconds(10),
            MaxReconnectRetry = -1,
        });
        try
        {
            await nats.ConnectAsync().ConfigureAwait(false);
            var js = new NatsJSContext(nats);
            var streams = await Task.WhenAll(Enumerable.Range(0, ShardCount).Select(k => CreateShardAsync(js, k, options, replicas, cancellationToken))).ConfigureAwait(false);
            var kv = new NatsKVContext(js);
            var drops = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig("courier_drops") { NumberOfReplicas = replicas, History = 1, Storage = NatsKVStorageType.File }, cancellationToken).ConfigureAwait(false);
            var nameplates = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig("courier_nameplates") { NumberOfReplicas = replicas, History = 1, Storage = NatsKVStorageType.File, MaxAge = TimeSpan.FromHours(2) }, cancellationToken).ConfigureAwait(false);
            var nonces = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig("courier_nonces") { NumberOfReplicas = replicas, History = 1, Storage = NatsKVStorageType.File, MaxAge = TimeSpan.FromMinutes(5) }, cancellationToken).ConfigureAwait(false);
            return new NatsDropStore(nats, js, streams, drops, nameplates, nonces, options);
        }
        catch
        {
            await nats.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<INatsJSStream> CreateShardAsync(INatsJSContext js, int k, DropStoreOptions options, int replicas, CancellationToken cancellationToken)
    {
        string shard = k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stream = await js.CreateOrUpdateStreamAsync(
            new StreamConfig(StreamPrefix + shard, [ShardSubjects(k)])
            {
                Storage = StreamConfigStorage.File,
                NumReplicas = replicas,
                MaxAge = options.Retention,
                DuplicateWindow = options.DedupeWindow,
                Discard = StreamConfigDiscard.Old,
            },
            cancellationToken).ConfigureAwait(false);
        if (stream.Info.State.LastSeq == 0)
        {
            // An expected last sequence of 0 is no check at all, so no shard may stay empty.
            var init = await js.PublishAsync(SubjectPrefix + shard + ".init", Array.Empty<byte>(), opts: new NatsJSPubOpts { MsgId = "init" }, cancellationToken: cancellationToken).ConfigureAwait(false);
            init.EnsureSuccess();
        }

        return stream;
    }

    /// <inheritdoc/>
    public async Task<CreateDropOutcome> CreateDropAsync(DropName drop, ReadOnlyMemory<byte> readKey, CancellationToken cancellationToken)
    {
        var value = Meta(readKey.Span, 0);
        var created = await _drops.TryCreateAsync(drop.ToString(), value, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (created.Success)
        {
            return CreateDropOutcome.Created;
        }

        var existing = await GetMetaAsync(drop, cancellationToken).ConfigureAwait(false);
        return existing is { } m && m.Key.Length > 0 && m.Key.AsSpan().SequenceEqual(readKey.Span) ? CreateDropOutcome.Exists : CreateDropOutcome.Conflict;
    }

    /// <inheritdoc/>
    public async Task<DropState?> GetDropAsync(DropName drop, CancellationToken cancellationToken)
    {
        byte[]? key = _keys.TryGetValue(drop, out var cached) ? cached : null;
        long floor = -1;
        if (key is null)
        {
            var meta = await GetMetaAsync(drop, cancellationToken).ConfigureAwait(false);
            if (meta is null)
            {
                return null;
            }

            key = meta.Value.Key;
            floor = meta.Value.Floor;
            if (key.Length > 0)
            {
                Remember(_keys, drop, key);
            }
        }

        var tail = await LoadTailAsync(drop, floor, cancellationToken).ConfigureAwait(false);
        return new DropState(key, tail.DropSeq);
    }

    /// <inheritdoc/>
    public async Task<AppendOutcome> AppendAsync(DropName drop, MessageId messageId, ReadOnlyMemory<byte> envelope, int maxEnvelopes, CancellationToken cancellationToken)
    {
        if (!_keys.ContainsKey(drop))
        {
            // Keyed drops are never deleted, so one look-up per relay suffices; a nameplate's open
            // drop is looked up every time, as its nameplate may be released.
            var meta = await GetMetaAsync(drop, cancellationToken).ConfigureAwait(false);
            if (meta is null)
            {
                return new AppendOutcome(AppendStatus.NoSuchDrop, 0);
            }

            if (meta.Value.Key.Length > 0)
            {
                Remember(_keys, drop, meta.Value.Key);
            }
        }

        var body = new byte[9 + envelope.Length];
        envelope.Span.CopyTo(body.AsSpan(9));
        var pending = new PendingAppend(drop, drop + "." + messageId, body, maxEnvelopes);
        var shard = _shards[ShardOf(drop)];
        shard.Queue.Writer.TryWrite(pending);
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Appends everything queued for one shard as one pipeline of publishes. Each message expects
    /// the stream's last sequence number and last message id to be those of the message before it
    /// in the pipeline. JetStream therefore stores a prefix of the pipeline at exactly the predicted
    /// positions and refuses everything after the first refusal, even when other relays write to
    /// the shard at the same time; refused appends are retried from the confirmed state. New chains
    /// are sent while earlier ones are in flight, so JetStream replicates many appends per round,
    /// as it does for independent publishers.
    /// </summary>
    private async Task ShardWorkerAsync(int index)
    {
        var shard = _shards[index];
        var stream = _streams[index];
        var reader = shard.Queue.Reader;
        var waiting = new List<PendingAppend>();
        var inFlight = new Queue<Chain>();
        var pipeline = new Pipeline();
        Task<bool>? arrival = null;
        bool open = true;
        while (open || waiting.Count > 0 || inFlight.Count > 0)
        {
            while (reader.TryRead(out var item))
            {
                waiting.Add(item);
            }

            // After a refusal, nothing more is sent until the pipeline has drained and restarts from confirmed state.
            if (waiting.Count > 0 && inFlight.Count < MaxChainsInFlight && !(pipeline.Broken && inFlight.Count > 0))
            {
                var take = waiting.GetRange(0, Math.Min(64, waiting.Count));
                waiting.RemoveRange(0, take.Count);
                await shard.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (inFlight.Count == 0 && (!shard.Known || pipeline.Broken || !pipeline.Started))
                    {
                        if (!shard.Known)
                        {
                            await shard.ReloadAsync(stream, CancellationToken.None).ConfigureAwait(false);
                        }

                        pipeline.Restart(shard.Last);
                    }

                    var (chain, deferred) = await SendChainAsync(shard, pipeline, take).ConfigureAwait(false);
                    waiting.InsertRange(0, deferred);
                    if (chain is not null)
                    {
                        inFlight.Enqueue(chain);
                    }
                }
                catch (Exception ex)
                {
                    // The store is unreachable or confused: fail these appends (clients retry with the same ids).
                    shard.Known = false;
                    pipeline.Broken = true;
                    foreach (var item in take)
                    {
                        item.Done.TrySetException(ex);
                    }
                }
                finally
                {
                    shard.Gate.Release();
                }

                continue;
            }

            if (inFlight.Count > 0)
            {
                var oldest = inFlight.Peek();
                if (open && inFlight.Count < MaxChainsInFlight && !pipeline.Broken)
                {
                    arrival ??= reader.WaitToReadAsync().AsTask();
                    await Task.WhenAny(oldest.Completion, arrival).ConfigureAwait(false);
                    if (arrival.IsCompleted)
                    {
                        open = arrival.Result;
                        arrival = null;
                    }

                    if (!oldest.Completion.IsCompleted)
                    {
                        continue;
                    }
                }
                else
                {
                    await oldest.Completion.ConfigureAwait(false);
                }

                inFlight.Dequeue();
                await shard.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    waiting.InsertRange(0, await ConfirmChainAsync(shard, pipeline, oldest).ConfigureAwait(false));
                }
                catch (Exception ex)
                {
                    shard.Known = false;
                    pipeline.Broken = true;
                    foreach (var (item, _, _) in oldest.Items)
                    {
                        item.Done.TrySetException(ex);
                    }
                }
                finally
                {
                    shard.Gate.Release();
                }

                continue;
            }

            arrival ??= reader.WaitToReadAsync().AsTask();
            open = await arrival.ConfigureAwait(false);
            arrival = null;
        }
    }

    /// <summary>Numbers and sends a chain continuing the pipeline; returns it and the appends to send later.</summary>
    private async Task<(Chain? Chain, List<PendingAppend> Deferred)> SendChainAsync(Shard shard, Pipeline pipeline, List<PendingAppend> batch)
    {
        var items = new List<(PendingAppend Item, long Seq, Position Tail)>();
        var deferred = new List<PendingAppend>();
        foreach (var item in batch)
        {
            if (pipeline.Broken)
            {
                deferred.Add(item);
                continue;
            }

            if (!pipeline.Tails.TryGetValue(item.Drop, out var tail) && !shard.Tails.TryGetValue(item.Drop, out tail))
            {
                tail = await LoadTailAsync(item.Drop, -1, CancellationToken.None).ConfigureAwait(false);
                if (tail.StreamSeq > shard.Last)
                {
                    // Another relay appended to the shard since we learned its state.
                    shard.Known = false;
                    pipeline.Broken = true;
                    deferred.Add(item);
                    continue;
                }
            }

            if (tail.DropSeq - tail.FirstLive + 1 >= item.MaxEnvelopes && tail.StreamSeq != 0)
            {
                long first = await FirstLiveAsync(item.Drop, CancellationToken.None).ConfigureAwait(false);
                tail = tail with { FirstLive = first == 0 ? tail.DropSeq + 1 : first };
                if (tail.DropSeq - tail.FirstLive + 1 >= item.MaxEnvelopes)
                {
                    // A retry of an envelope that is already stored must still be answered as a duplicate.
                    var dup = await DuplicateOfAsync(item.Drop, item.MsgId, CancellationToken.None).ConfigureAwait(false);
                    item.Done.TrySetResult(dup ?? new AppendOutcome(AppendStatus.Full, 0));
                    continue;
                }
            }

            long seq = tail.DropSeq + 1;
            items.Add((item, seq, tail));
            pipeline.Tails[item.Drop] = tail with { DropSeq = seq, StreamSeq = pipeline.Last + (ulong)items.Count, FirstLive = tail.StreamSeq == 0 ? seq : tail.FirstLive };
        }

        if (items.Count == 0)
        {
            return (null, deferred);
        }

        var publishes = new Task<NatsResult<PubAckResponse>>[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var (item, seq, _) = items[i];
            var body = item.Body.ToArray();
            BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(1), seq);
            var opts = new NatsJSPubOpts
            {
                MsgId = item.MsgId,
                ExpectedLastSequence = pipeline.Last + (ulong)i,
                ExpectedLastMsgId = i == 0 ? pipeline.LastMsgId : items[i - 1].Item.MsgId,
            };
            publishes[i] = _js.TryPublishAsync(Subject(item.Drop), body, opts: opts).AsTask();
        }

        pipeline.Last += (ulong)items.Count;
        pipeline.LastMsgId = items[^1].Item.MsgId;
        return (new Chain(items, Task.WhenAll(publishes)), deferred);
    }

    /// <summary>Answers the appends of a chain whose publishes are done; returns those to try again.</summary>
    private async Task<List<PendingAppend>> ConfirmChainAsync(Shard shard, Pipeline pipeline, Chain chain)
    {
        var results = await chain.Completion.ConfigureAwait(false);
        var retry = new List<PendingAppend>();
        for (int i = 0; i < chain.Items.Count; i++)
        {
            var (item, seq, tail) = chain.Items[i];
            var result = results[i];
            if (!result.Success)
            {
                // The outcome is unknown (it may be stored): the client retries with the same id.
                shard.Known = false;
                pipeline.Broken = true;
                item.Done.TrySetException(result.Error);
                continue;
            }

            var ack = result.Value;
            if (ack.Error is { ErrCode: WrongLastSequence or WrongLastMsgId })
            {
                shard.Known = false;
                pipeline.Broken = true;
                if (++item.Attempts < 50)
                {
                    retry.Add(item);
                }
                else
                {
                    item.Done.TrySetException(new NatsJSApiException(ack.Error));
                }

                continue;
            }

            if (ack.Error is { } error)
            {
                shard.Known = false;
                pipeline.Broken = true;
                item.Done.TrySetException(new NatsJSApiException(error));
                continue;
            }

            if (ack.Duplicate)
            {
                // Nothing was stored, so the rest of the pipeline is refused and retried.
                pipeline.Broken = true;
                var original = await MessageAtAsync(item.Drop, ack.Seq, CancellationToken.None).ConfigureAwait(false);
                item.Done.TrySetResult(new AppendOutcome(AppendStatus.Duplicate, original?.DropSeq ?? 0));
                continue;
            }

            shard.Last = ack.Seq;
            shard.Remember(item.Drop, tail with { DropSeq = seq, StreamSeq = ack.Seq, FirstLive = tail.StreamSeq == 0 ? seq : tail.FirstLive });
            item.Done.TrySetResult(new AppendOutcome(AppendStatus.Appended, seq));
        }

        return retry;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredEnvelope>> ReadAsync(DropName drop, long after, int maxCount, int maxBytes, CancellationToken cancellationToken)
    {
        var result = new List<StoredEnvelope>();
        ulong position = await StreamPositionAfterAsync(drop, after, cancellationToken).ConfigureAwait(false);
        int bytes = 0;
        while (position != 0 && result.Count < maxCount)
        {
            var message = await NextAsync(drop, position, cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                break;
            }

            var (streamSeq, dropSeq, data) = message.Value;
            if (dropSeq > after)
            {
                if (result.Count > 0 && bytes + data.Length > maxBytes)
                {
                    break;
                }

                bytes += data.Length;
                result.Add(new StoredEnvelope(dropSeq, data));
                Remember(_readHints, drop, new Position(dropSeq, streamSeq, 0));
            }

            position = streamSeq + 1;
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task TrimAsync(DropName drop, long through, CancellationToken cancellationToken)
    {
        var shard = _shards[ShardOf(drop)];
        var gate = shard.Gate;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The floor keeps the drop's numbering when every envelope is gone.
            for (int attempt = 0; attempt < 10; attempt++)
            {
                var entry = await _drops.GetEntryAsync<byte[]>(drop.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
                var (key, floor) = ParseMeta(entry.Value ?? []);
                if (floor >= through)
                {
                    break;
                }

                var updated = await _drops.TryUpdateAsync(drop.ToString(), Meta(key, through), entry.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (updated.Success)
                {
                    break;
                }
            }

            ulong keepFrom = await StreamPositionAfterAsync(drop, through, cancellationToken, exact: true).ConfigureAwait(false);
            var keep = keepFrom == 0 ? null : await NextAsync(drop, keepFrom, cancellationToken).ConfigureAwait(false);
            var request = keep is { } k ? new StreamPurgeRequest { Filter = Subject(drop), Seq = k.StreamSeq } : new StreamPurgeRequest { Filter = Subject(drop) };
            await StreamOf(drop).PurgeAsync(request, cancellationToken).ConfigureAwait(false);
            if (shard.Tails.TryGetValue(drop, out var tail))
            {
                shard.Remember(drop, tail with { FirstLive = Math.Max(tail.FirstLive, through + 1) });
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task WaitForAppendAsync(DropName drop, long after, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Every relay's publish on the drop's subject also reaches plain subscribers, so this wakes
        // for appends made through any relay of the cluster.
        await using var subscription = await _nats.SubscribeCoreAsync<byte[]>(Subject(drop), cancellationToken: cancellationToken).ConfigureAwait(false);
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
    public async Task<bool> TryClaimNameplateAsync(int number, DropName slot, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        string key = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var value = new byte[DropName.Size + 8];
        slot.Bytes.CopyTo(value);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(DropName.Size), expires.ToUnixTimeMilliseconds());
        var created = await _drops.TryCreateAsync(slot.ToString(), Meta([], 0), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!created.Success)
        {
            return false;
        }

        var claim = await _nameplates.TryCreateAsync(key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (claim.Success)
        {
            return true;
        }

        var existing = await _nameplates.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.Success && existing.Value.Value is { Length: DropName.Size + 8 } old
            && BinaryPrimitives.ReadInt64BigEndian(old.AsSpan(DropName.Size)) <= Now()
            && (await _nameplates.TryUpdateAsync(key, value, existing.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false)).Success)
        {
            await DeleteSlotAsync(DropName.FromBytes(old.AsSpan(0, DropName.Size)), cancellationToken).ConfigureAwait(false);
            return true;
        }

        await DeleteSlotAsync(slot, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <inheritdoc/>
    public async Task<DropName?> GetNameplateAsync(int number, CancellationToken cancellationToken)
    {
        var entry = await _nameplates.TryGetEntryAsync<byte[]>(number.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!entry.Success || entry.Value.Value is not { Length: DropName.Size + 8 } value || BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(DropName.Size)) <= Now())
        {
            return null;
        }

        return DropName.FromBytes(value.AsSpan(0, DropName.Size));
    }

    /// <inheritdoc/>
    public async Task<bool> ReleaseNameplateAsync(int number, CancellationToken cancellationToken)
    {
        string key = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var entry = await _nameplates.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!entry.Success || entry.Value.Value is not { Length: DropName.Size + 8 } value)
        {
            return false;
        }

        await _nameplates.PurgeAsync(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        await DeleteSlotAsync(DropName.FromBytes(value.AsSpan(0, DropName.Size)), cancellationToken).ConfigureAwait(false);
        return BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(DropName.Size)) > Now();
    }

    /// <inheritdoc/>
    public async Task<bool> TryRememberNonceAsync(ReadOnlyMemory<byte> nonce, DateTimeOffset signedAt, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        // The bucket's max age (5 min) outlives every freshness window, and it is shared by all relays.
        var created = await _nonces.TryCreateAsync(Base64Url.EncodeToString(nonce.Span), Array.Empty<byte>(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return created.Success;
    }

    /// <inheritdoc/>
    public Task<long> SweepAsync(CancellationToken cancellationToken)
    {
        // Envelopes expire by the stream's MaxAge and nonces and nameplates by their buckets' ages;
        // JetStream deletes them itself.
        return Task.FromResult(0L);
    }

    /// <inheritdoc/>
    public async Task<long> CountDropsAsync(CancellationToken cancellationToken)
    {
        var status = await _drops.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return (long)status.Info.State.Messages;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            shard.Queue.Writer.TryComplete();
        }

        await Task.WhenAll(_workers).ConfigureAwait(false);
        await _nats.DisposeAsync().ConfigureAwait(false);
        foreach (var shard in _shards)
        {
            shard.Gate.Dispose();
        }
    }

    private static string ShardSubjects(int shard) => SubjectPrefix + shard.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".*";

    /// <summary>A drop's shard: fixed by its name, the same in every relay.</summary>
    private static int ShardOf(DropName drop) => BinaryPrimitives.ReadUInt16BigEndian(drop.Bytes) % ShardCount;

    private static string Subject(DropName drop) => SubjectPrefix + ShardOf(drop).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + drop;

    private INatsJSStream StreamOf(DropName drop) => _streams[ShardOf(drop)];

    private static byte[] Meta(ReadOnlySpan<byte> key, long floor)
    {
        var value = new byte[key.Length + 8];
        key.CopyTo(value);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(key.Length), floor);
        return value;
    }

    private static (byte[] Key, long Floor) ParseMeta(byte[] value)
        => value.Length >= 8 ? (value[..^8], BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(value.Length - 8))) : ([], 0);

    private static void Remember(ConcurrentDictionary<DropName, Position> cache, DropName drop, Position position)
    {
        if (cache.Count >= CacheLimit)
        {
            cache.Clear();
        }

        cache[drop] = position;
    }

    private static void Remember(ConcurrentDictionary<DropName, byte[]> cache, DropName drop, byte[] key)
    {
        if (cache.Count >= CacheLimit)
        {
            cache.Clear();
        }

        cache[drop] = key;
    }

    private long Now() => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<(byte[] Key, long Floor)?> GetMetaAsync(DropName drop, CancellationToken cancellationToken)
    {
        var entry = await _drops.TryGetEntryAsync<byte[]>(drop.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success ? ParseMeta(entry.Value.Value ?? []) : null;
    }

    private async Task DeleteSlotAsync(DropName slot, CancellationToken cancellationToken)
    {
        await StreamOf(slot).PurgeAsync(new StreamPurgeRequest { Filter = Subject(slot) }, cancellationToken).ConfigureAwait(false);
        await _drops.PurgeAsync(slot.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The drop's last message as (drop seq, stream seq); from the leader, so it sees every relay's appends.</summary>
    private async Task<Position> LoadTailAsync(DropName drop, long knownFloor, CancellationToken cancellationToken)
    {
        var last = await GetMessageAsync(drop, new StreamMsgGetRequest { LastBySubj = Subject(drop) }, cancellationToken).ConfigureAwait(false);
        if (last is { } m)
        {
            return new Position(m.DropSeq, m.StreamSeq, 1);
        }

        long floor = knownFloor >= 0 ? knownFloor : (await GetMetaAsync(drop, cancellationToken).ConfigureAwait(false))?.Floor ?? 0;
        return new Position(floor, 0, floor + 1);
    }

    private async Task<long> FirstLiveAsync(DropName drop, CancellationToken cancellationToken)
        => (await NextAsync(drop, 1, cancellationToken).ConfigureAwait(false))?.DropSeq ?? 0;

    /// <summary>
    /// Whether <paramref name="msgId"/> is in JetStream's dedupe record, without storing anything:
    /// JetStream answers a known id as a duplicate before it checks the expected last sequence,
    /// which here can never match, so an unknown id is refused and nothing is written.
    /// </summary>
    private async Task<AppendOutcome?> DuplicateOfAsync(DropName drop, string msgId, CancellationToken cancellationToken)
    {
        var ack = await _js.TryPublishAsync(Subject(drop), new byte[9], opts: new NatsJSPubOpts { MsgId = msgId, ExpectedLastSequence = ulong.MaxValue }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ack.Success && ack.Value.Error is null && ack.Value.Duplicate)
        {
            var original = await MessageAtAsync(drop, ack.Value.Seq, cancellationToken).ConfigureAwait(false);
            return new AppendOutcome(AppendStatus.Duplicate, original?.DropSeq ?? 0);
        }

        return null;
    }

    /// <summary>A stream position from which reading the drop's subject yields its envelopes after <paramref name="after"/> first; 0 when there are none.</summary>
    /// <remarks>With <paramref name="exact"/> false a cached hint may give an earlier position, from which readers skip forward.</remarks>
    private async Task<ulong> StreamPositionAfterAsync(DropName drop, long after, CancellationToken cancellationToken, bool exact = false)
    {
        if (!exact && _readHints.TryGetValue(drop, out var hint) && hint.DropSeq <= after)
        {
            return hint.StreamSeq + 1;
        }

        var first = await NextAsync(drop, 1, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return 0;
        }

        if (first.Value.DropSeq > after)
        {
            return first.Value.StreamSeq;
        }

        var last = await GetMessageAsync(drop, new StreamMsgGetRequest { LastBySubj = Subject(drop) }, cancellationToken).ConfigureAwait(false);
        if (last is null || last.Value.DropSeq <= after)
        {
            return 0;
        }

        // Drop sequence numbers grow with stream positions: bisect for the first position past 'after'.
        ulong low = first.Value.StreamSeq;
        ulong high = last.Value.StreamSeq;
        while (high - low > 1)
        {
            ulong mid = low + ((high - low) / 2);
            var probe = await NextAsync(drop, mid, cancellationToken).ConfigureAwait(false);
            if (probe is null || probe.Value.DropSeq > after)
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return high;
    }

    private Task<(ulong StreamSeq, long DropSeq, byte[] Data)?> NextAsync(DropName drop, ulong from, CancellationToken cancellationToken)
        => GetMessageAsync(drop, new StreamMsgGetRequest { Seq = from, NextBySubj = Subject(drop) }, cancellationToken);

    private Task<(ulong StreamSeq, long DropSeq, byte[] Data)?> MessageAtAsync(DropName drop, ulong seq, CancellationToken cancellationToken)
        => GetMessageAsync(drop, new StreamMsgGetRequest { Seq = seq }, cancellationToken);

    private async Task<(ulong StreamSeq, long DropSeq, byte[] Data)?> GetMessageAsync(DropName drop, StreamMsgGetRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await StreamOf(drop).GetAsync(request, cancellationToken).ConfigureAwait(false);
            var data = response.Message.Data;
            if (data.Length < 9)
            {
                return null;
            }

            return (response.Message.Seq, BinaryPrimitives.ReadInt64BigEndian(data.Span[1..9]), data[9..].ToArray());
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == NoMessageFound || ex.Error.Code == 404)
        {
            return null;
        }
    }

    /// <summary>A drop's position: its sequence number, the stream sequence of that message, and its first live sequence number.</summary>
    private readonly record struct Position(long DropSeq, ulong StreamSeq, long FirstLive);

    /// <summary>What this relay knows of one shard stream: its last sequence number and, as of it, the tails of drops it appended to.</summary>
    private sealed class Shard
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public System.Threading.Channels.Channel<PendingAppend> Queue { get; } = System.Threading.Channels.Channel.CreateUnbounded<PendingAppend>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });

        public bool Known { get; set; }

        public ulong Last { get; set; }

        public Dictionary<DropName, Position> Tails { get; } = [];

        public void Remember(DropName drop, Position position)
        {
            if (Tails.Count >= CacheLimit / ShardCount)
            {
                Tails.Clear();
            }

            Tails[drop] = position;
        }

        /// <summary>Reads the stream's last sequence number from its leader; every cached tail is dropped as possibly stale.</summary>
        public async Task ReloadAsync(INatsJSStream stream, CancellationToken cancellationToken)
        {
            await stream.RefreshAsync(cancellationToken).ConfigureAwait(false);
            Last = stream.Info.State.LastSeq;
            Tails.Clear();
            Known = true;
        }
    }

    /// <summary>One append waiting for its shard's worker.</summary>
    private sealed class PendingAppend(DropName drop, string msgId, byte[] body, int maxEnvelopes)
    {
        public DropName Drop { get; } = drop;

        public string MsgId { get; } = msgId;

        /// <summary>The message body: a kind byte, 8 bytes for the drop sequence number (filled in per attempt), the envelope.</summary>
        public byte[] Body { get; } = body;

        public int MaxEnvelopes { get; } = maxEnvelopes;

        public int Attempts { get; set; }

        public TaskCompletionSource<AppendOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Chains sent and not yet answered: the appends, their drop sequence numbers and the tails they continue.</summary>
    private sealed record Chain(List<(PendingAppend Item, long Seq, Position Tail)> Items, Task<NatsResult<PubAckResponse>[]> Completion);

    /// <summary>The shard's state as predicted by the chains in flight.</summary>
    private sealed class Pipeline
    {
        public bool Started { get; private set; }

        public bool Broken { get; set; }

        public ulong Last { get; set; }

        public string? LastMsgId { get; set; }

        public Dictionary<DropName, Position> Tails { get; } = [];

        /// <summary>Starts again from the confirmed state: nothing in flight, the stream's last sequence number known.</summary>
        public void Restart(ulong confirmedLast)
        {
            Started = true;
            Broken = false;
            Last = confirmedLast;
            LastMsgId = null;
            Tails.Clear();
        }
    }
}
