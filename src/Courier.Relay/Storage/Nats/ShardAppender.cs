using System.Buffers.Binary;
using Courier.Relay.Client;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Courier.Relay.Storage.Nats;

/// <summary>
/// Appends to the shard streams: one worker per shard numbers the appends queued for it and
/// publishes them in pipelined chains in which every message names the stream's last sequence
/// number and last message id it expects (<c>Nats-Expected-Last-Sequence</c>,
/// <c>Nats-Expected-Last-Msg-Id</c>), so JetStream stores a prefix of each chain at the predicted
/// positions and refuses the rest, however many relays write at once. Trims of a drop are
/// serialized with its shard's appends.
/// </summary>
internal sealed class ShardAppender : IDisposable
{
    private const int MaxChainsInFlight = 8;

    private readonly INatsJSContext _js;
    private readonly INatsJSStream[] _streams;
    private readonly LogReader _log;
    private readonly NatsKeyValue _keyValue;
    private readonly Shard[] _shards;
    private readonly Task[] _workers;

    public ShardAppender(INatsJSContext js, INatsJSStream[] streams, LogReader log, NatsKeyValue keyValue)
    {
        _js = js;
        _streams = streams;
        _log = log;
        _keyValue = keyValue;
        _shards = streams.Select(_ => new Shard()).ToArray();
        _workers = Enumerable.Range(0, streams.Length).Select(k => Task.Run(() => ShardWorkerAsync(k))).ToArray();
    }

    /// <summary>Queues an append of <paramref name="envelope"/> to the drop's shard and waits for its outcome.</summary>
    public async Task<AppendOutcome> AppendAsync(DropName drop, MessageId messageId, ReadOnlyMemory<byte> envelope, int maxEnvelopes, CancellationToken cancellationToken)
    {
        var body = new byte[9 + envelope.Length];
        envelope.Span.CopyTo(body.AsSpan(9));
        var pending = new PendingAppend(drop, drop + "." + messageId, body, maxEnvelopes);
        var shard = _shards[ShardLayout.Of(drop)];
        shard.Queue.Writer.TryWrite(pending);
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the drop's envelopes through <paramref name="through"/>, raising its floor first, while no append of its shard is being numbered.</summary>
    public async Task TrimAsync(DropName drop, long through, CancellationToken cancellationToken)
    {
        var shard = _shards[ShardLayout.Of(drop)];
        var gate = shard.Gate;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The floor keeps the drop's numbering when every envelope is gone.
            await _keyValue.RaiseFloorAsync(drop, through, cancellationToken).ConfigureAwait(false);
            await _log.PurgeThroughAsync(drop, through, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Stops taking appends and waits until every queued append is answered.</summary>
    public async Task StopAsync()
    {
        foreach (var shard in _shards)
        {
            shard.Queue.Writer.TryComplete();
        }

        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var shard in _shards)
        {
            shard.Gate.Dispose();
        }
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
                tail = await _log.LoadTailAsync(item.Drop, -1, CancellationToken.None).ConfigureAwait(false);
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
                long first = await _log.FirstLiveAsync(item.Drop, CancellationToken.None).ConfigureAwait(false);
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
            publishes[i] = _js.TryPublishAsync(ShardLayout.Subject(item.Drop), body, opts: opts).AsTask();
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
            if (ack.Error is { ErrCode: JetStreamErrors.WrongLastSequence or JetStreamErrors.WrongLastMsgId })
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
                var original = await _log.MessageAtAsync(item.Drop, ack.Seq, CancellationToken.None).ConfigureAwait(false);
                item.Done.TrySetResult(new AppendOutcome(AppendStatus.Duplicate, original?.DropSeq ?? 0));
                continue;
            }

            shard.Last = ack.Seq;
            shard.Remember(item.Drop, tail with { DropSeq = seq, StreamSeq = ack.Seq, FirstLive = tail.StreamSeq == 0 ? seq : tail.FirstLive });
            item.Done.TrySetResult(new AppendOutcome(AppendStatus.Appended, seq));
        }

        return retry;
    }


    /// <summary>
    /// Whether <paramref name="msgId"/> is in JetStream's dedupe record, without storing anything:
    /// JetStream answers a known id as a duplicate before it checks the expected last sequence,
    /// which here can never match, so an unknown id is refused and nothing is written.
    /// </summary>
    private async Task<AppendOutcome?> DuplicateOfAsync(DropName drop, string msgId, CancellationToken cancellationToken)
    {
        var ack = await _js.TryPublishAsync(ShardLayout.Subject(drop), new byte[9], opts: new NatsJSPubOpts { MsgId = msgId, ExpectedLastSequence = ulong.MaxValue }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ack.Success && ack.Value.Error is null && ack.Value.Duplicate)
        {
            var original = await _log.MessageAtAsync(drop, ack.Value.Seq, cancellationToken).ConfigureAwait(false);
            return new AppendOutcome(AppendStatus.Duplicate, original?.DropSeq ?? 0);
        }

        return null;
    }
}
