using System.Buffers.Binary;
using System.Collections.Concurrent;
using Courier.Relay.Client;
using System.Security.Cryptography;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Courier.Relay.Storage.Nats;

/// <summary>A drop's position: its sequence number, the stream sequence of that message, and its first live sequence number.</summary>
internal readonly record struct Position(long DropSeq, ulong StreamSeq, long FirstLive);

/// <summary>
/// Reads drops' envelope logs from the shard streams. Every read is a message get from the stream's
/// leader, so it sees every relay's appends; drop sequence numbers grow with stream positions.
/// </summary>
internal sealed class LogReader(INatsJSStream[] streams, NatsKeyValue keyValue, TimeProvider time)
{
    /// <summary>Envelopes left to read that are fetched by single gets; more take a consumer.</summary>
    private const int GetsBeforeConsumer = 3;

    /// <summary>Pull requests per page at most (each sized to the bytes left, so one or two suffice).</summary>
    private const int MaxPulls = 4;

    /// <summary>
    /// How long creating a read consumer may take. It takes milliseconds; with a node of the cluster
    /// down, nats-server 2.9 may place the consumer on that node and the request then waits for the
    /// whole request timeout (10 s), on about one read in three.
    /// </summary>
    private static readonly TimeSpan ConsumerCreateTimeout = TimeSpan.FromSeconds(2);

    /// <summary>After a consumer could not be created, reads use single gets for this long before trying one again.</summary>
    private static readonly TimeSpan ConsumerBackoff = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<DropName, Position> _readHints = new();
    private long _consumersUnavailableUntil;

    /// <summary>Envelopes after <paramref name="after"/>, in order, at most <paramref name="maxCount"/> and about <paramref name="maxBytes"/>.</summary>
    /// <remarks>
    /// A bounded number of JetStream requests, whatever the page size: finding the start (a cached
    /// hint, else a bisection over the shard), one get for the first envelope and one for the drop's
    /// last, then either a few more gets or one short-lived consumer on the drop's subject whose
    /// pull requests bring the rest in batches (nats-server 2.9 has no batched direct get).
    /// </remarks>
    public async Task<IReadOnlyList<StoredEnvelope>> ReadAsync(DropName drop, long after, int maxCount, int maxBytes, CancellationToken cancellationToken)
    {
        var page = new Page(after, maxCount, maxBytes);
        ulong position = await StreamPositionAfterAsync(drop, after, cancellationToken).ConfigureAwait(false);
        if (position == 0)
        {
            return page.Envelopes;
        }

        // The first envelope by a get: a drop with nothing new, or one envelope, costs no consumer.
        ulong next = position;
        while (page.WantsMore)
        {
            if (await NextAsync(drop, next, cancellationToken).ConfigureAwait(false) is not { } first)
            {
                return Remember(drop, page);
            }

            page.Offer(first.StreamSeq, first.DropSeq, first.Data);
            next = first.StreamSeq + 1;
            if (first.DropSeq > after)
            {
                break;
            }
        }

        if (!page.WantsMore)
        {
            return Remember(drop, page);
        }

        var last = await GetMessageAsync(drop, new StreamMsgGetRequest { LastBySubj = ShardLayout.Subject(drop) }, cancellationToken).ConfigureAwait(false);
        if (last is not { } tail || tail.StreamSeq < next)
        {
            return Remember(drop, page);
        }

        // Drop sequence numbers have no gaps past a trim, so this many envelopes are left to read.
        long left = tail.DropSeq - page.LastDropSeq;
        if (left > GetsBeforeConsumer && time.GetTimestamp() >= Interlocked.Read(ref _consumersUnavailableUntil))
        {
            try
            {
                await ReadWithConsumerAsync(drop, next, page, cancellationToken).ConfigureAwait(false);
                return Remember(drop, page);
            }
            catch (Exception ex) when (ex is NatsJSException or NatsException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // No consumer now (a node or the meta leader is away): single gets, served by the
                // stream's leader, still work, so the page is filled with them.
                Interlocked.Exchange(ref _consumersUnavailableUntil, time.GetTimestamp() + (long)(ConsumerBackoff.TotalSeconds * time.TimestampFrequency));
                next = page.LastStreamSeq + 1;
            }
        }

        // A bounded number of gets: the page's count limit, and none past the drop's last message.
        while (page.WantsMore && next <= tail.StreamSeq && await NextAsync(drop, next, cancellationToken).ConfigureAwait(false) is { } message)
        {
            page.Offer(message.StreamSeq, message.DropSeq, message.Data);
            next = message.StreamSeq + 1;
        }

        return Remember(drop, page);
    }

    /// <summary>The drop's last message as (drop seq, stream seq); from the leader, so it sees every relay's appends.</summary>
    /// <param name="drop">The drop.</param>
    /// <param name="knownFloor">The drop's floor when the caller has it, or -1 to look it up when the drop holds no envelope.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<Position> LoadTailAsync(DropName drop, long knownFloor, CancellationToken cancellationToken)
    {
        var last = await GetMessageAsync(drop, new StreamMsgGetRequest { LastBySubj = ShardLayout.Subject(drop) }, cancellationToken).ConfigureAwait(false);
        if (last is { } m)
        {
            return new Position(m.DropSeq, m.StreamSeq, 1);
        }

        long floor = knownFloor >= 0 ? knownFloor : (await keyValue.GetMetaAsync(drop, cancellationToken).ConfigureAwait(false))?.Floor ?? 0;
        return new Position(floor, 0, floor + 1);
    }

    /// <summary>The drop sequence number of the drop's first stored envelope; 0 when there is none.</summary>
    public async Task<long> FirstLiveAsync(DropName drop, CancellationToken cancellationToken)
        => (await NextAsync(drop, 1, cancellationToken).ConfigureAwait(false))?.DropSeq ?? 0;

    /// <summary>The message at stream sequence <paramref name="seq"/> of the drop's shard, or null when it is gone.</summary>
    public Task<(ulong StreamSeq, long DropSeq, byte[] Data)?> MessageAtAsync(DropName drop, ulong seq, CancellationToken cancellationToken)
        => GetMessageAsync(drop, new StreamMsgGetRequest { Seq = seq }, cancellationToken);

    /// <summary>Deletes the drop's envelopes with sequence numbers up to and including <paramref name="through"/>.</summary>
    public async Task PurgeThroughAsync(DropName drop, long through, CancellationToken cancellationToken)
    {
        ulong keepFrom = await StreamPositionAfterAsync(drop, through, cancellationToken, exact: true).ConfigureAwait(false);
        var keep = keepFrom == 0 ? null : await NextAsync(drop, keepFrom, cancellationToken).ConfigureAwait(false);
        var request = keep is { } k ? new StreamPurgeRequest { Filter = ShardLayout.Subject(drop), Seq = k.StreamSeq } : new StreamPurgeRequest { Filter = ShardLayout.Subject(drop) };
        await StreamOf(drop).PurgeAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every envelope of the drop.</summary>
    public async Task PurgeAsync(DropName drop, CancellationToken cancellationToken)
        => await StreamOf(drop).PurgeAsync(new StreamPurgeRequest { Filter = ShardLayout.Subject(drop) }, cancellationToken).ConfigureAwait(false);

    /// <summary>A stream position from which reading the drop's subject yields its envelopes after <paramref name="after"/> first; 0 when there are none.</summary>
    /// <remarks>With <paramref name="exact"/> false a cached hint may give the position right after <paramref name="after"/>'s message, which a trim may have removed since.</remarks>
    private async Task<ulong> StreamPositionAfterAsync(DropName drop, long after, CancellationToken cancellationToken, bool exact = false)
    {
        // Only a hint at exactly 'after' is used: from an older one, reaching 'after' could take any number of gets.
        if (!exact && _readHints.TryGetValue(drop, out var hint) && hint.DropSeq == after)
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

        var last = await GetMessageAsync(drop, new StreamMsgGetRequest { LastBySubj = ShardLayout.Subject(drop) }, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Reads the rest of a page from stream position <paramref name="from"/> through an ephemeral,
    /// unacknowledged, in-memory consumer filtered to the drop's subject: one request to create it,
    /// one pull request per batch (sized from the envelopes seen so far, so a page of large envelopes
    /// is not fetched many times over), and one to delete it, not awaited.
    /// </summary>
    private async Task ReadWithConsumerAsync(DropName drop, ulong from, Page page, CancellationToken cancellationToken)
    {
        var stream = StreamOf(drop);
        var config = new ConsumerConfig
        {
            Name = "read-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            FilterSubject = ShardLayout.Subject(drop),
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = from,
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            NumReplicas = 1,
            // Only a backstop: the consumer is deleted as soon as the page is read.
            InactiveThreshold = TimeSpan.FromSeconds(30),
        };
        INatsJSConsumer consumer;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(ConsumerCreateTimeout);
            consumer = await stream.CreateOrUpdateConsumerAsync(config, deadline.Token).ConfigureAwait(false);
        }

        try
        {
            for (int pull = 0; pull < MaxPulls && page.WantsMore; pull++)
            {
                int received = 0;
                int batch = page.BatchSize();
                await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = batch }, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    received++;
                    var data = message.Data ?? [];
                    if (data.Length >= 9 && message.Metadata is { } metadata)
                    {
                        page.Offer(metadata.Sequence.Stream, BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(1, 8)), data[9..]);
                    }

                    if (!page.WantsMore)
                    {
                        break;
                    }
                }

                if (received < batch)
                {
                    // The consumer ran out: nothing more is stored for this drop.
                    break;
                }
            }
        }
        finally
        {
            _ = DeleteConsumerQuietlyAsync(stream, config.Name);
        }
    }

    private static async Task DeleteConsumerQuietlyAsync(INatsJSStream stream, string name)
    {
        try
        {
            await stream.DeleteConsumerAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsJSException or NatsException or OperationCanceledException or TimeoutException)
        {
            // Its inactivity threshold removes it anyway.
        }
    }

    private IReadOnlyList<StoredEnvelope> Remember(DropName drop, Page page)
    {
        if (page.Envelopes.Count > 0)
        {
            BoundedCache.Remember(_readHints, drop, new Position(page.LastDropSeq, page.LastStreamSeq, 0));
        }

        return page.Envelopes;
    }

    private INatsJSStream StreamOf(DropName drop) => streams[ShardLayout.Of(drop)];

    private Task<(ulong StreamSeq, long DropSeq, byte[] Data)?> NextAsync(DropName drop, ulong from, CancellationToken cancellationToken)
        => GetMessageAsync(drop, new StreamMsgGetRequest { Seq = from, NextBySubj = ShardLayout.Subject(drop) }, cancellationToken);

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
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == JetStreamErrors.NoMessageFound || ex.Error.Code == 404)
        {
            return null;
        }
    }
}
