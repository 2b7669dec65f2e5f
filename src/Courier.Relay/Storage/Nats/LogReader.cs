using System.Buffers.Binary;
using System.Collections.Concurrent;
using Courier.Relay.Client;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Courier.Relay.Storage.Nats;

/// <summary>A drop's position: its sequence number, the stream sequence of that message, and its first live sequence number.</summary>
internal readonly record struct Position(long DropSeq, ulong StreamSeq, long FirstLive);

/// <summary>
/// Reads drops' envelope logs from the shard streams. Every read is a message get from the stream's
/// leader, so it sees every relay's appends; drop sequence numbers grow with stream positions.
/// </summary>
internal sealed class LogReader(INatsJSStream[] streams, NatsKeyValue keyValue)
{
    private readonly ConcurrentDictionary<DropName, Position> _readHints = new();

    /// <summary>Envelopes after <paramref name="after"/>, in order, at most <paramref name="maxCount"/> and about <paramref name="maxBytes"/>.</summary>
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
                BoundedCache.Remember(_readHints, drop, new Position(dropSeq, streamSeq, 0));
            }

            position = streamSeq + 1;
        }

        return result;
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
