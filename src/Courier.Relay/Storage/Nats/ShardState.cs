using System.Threading.Channels;
using Courier.Relay.Client;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Courier.Relay.Storage.Nats;

/// <summary>What this relay knows of one shard stream: its last sequence number and, as of it, the tails of drops it appended to.</summary>
internal sealed class Shard
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public Channel<PendingAppend> Queue { get; } = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });

    public bool Known { get; set; }

    public ulong Last { get; set; }

    public Dictionary<DropName, Position> Tails { get; } = [];

    public void Remember(DropName drop, Position position) => BoundedCache.Remember(Tails, drop, position, BoundedCache.Limit / ShardLayout.ShardCount);

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
internal sealed class PendingAppend(DropName drop, string msgId, byte[] body, int maxEnvelopes)
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
internal sealed record Chain(List<(PendingAppend Item, long Seq, Position Tail)> Items, Task<NatsResult<PubAckResponse>[]> Completion);

/// <summary>The shard's state as predicted by the chains in flight.</summary>
internal sealed class Pipeline
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
