namespace Courier.Relay.Mix;

/// <summary>
/// The link to one peer mix (docs/mixnet.md, "Batches between mixes"): the packets due for it leave
/// together, one <c>POST /v1/mix/batches</c> per batch, with at most <see cref="Senders"/> batches in flight.
/// A packet is never held back to fill a batch: a sender takes what is queued when it is free, so an idle
/// link sends batches of one at once, and a busy one sends bigger batches as packets queue behind those
/// in flight.
/// </summary>
internal sealed class MixLink(HttpClient client, CancellationToken stopping)
{
    private const int Senders = 2;

    private readonly Lock _gate = new();
    private readonly Queue<Outgoing> _queue = new();
    private int _senders;

    /// <summary>Sends <paramref name="packet"/> in the next batch: true when the peer accepted it, false when it refused it; throws when the peer could not be reached.</summary>
    public Task<bool> SendAsync(byte[] packet)
    {
        var outgoing = new Outgoing(packet);
        bool start;
        lock (_gate)
        {
            _queue.Enqueue(outgoing);
            start = _senders < Senders;
            if (start)
            {
                _senders++;
            }
        }

        if (start)
        {
            _ = Task.Run(SendQueuedAsync, CancellationToken.None);
        }

        return outgoing.Sent.Task;
    }

    private async Task SendQueuedAsync()
    {
        while (true)
        {
            var batch = new List<Outgoing>();
            lock (_gate)
            {
                int bytes = 0;
                while (_queue.TryPeek(out var next) && batch.Count < MixBatch.MaxPackets && bytes + MixBatch.FramedLength(next.Packet.Length) <= MixBatch.MaxBytes)
                {
                    bytes += MixBatch.FramedLength(next.Packet.Length);
                    batch.Add(_queue.Dequeue());
                }

                if (batch.Count == 0)
                {
                    _senders--;
                    return;
                }
            }

            await PostAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task PostAsync(List<Outgoing> batch)
    {
        try
        {
            using var content = new MixBatch.Content([.. batch.Select(o => o.Packet)]);
            using var response = await client.PostAsync("/v1/mix/batches", content, stopping).ConfigureAwait(false);
            // A batch refused whole (rate limited, too large) refuses each of its packets.
            var statuses = response.IsSuccessStatusCode
                ? MixBatch.DecodeStatuses(await response.Content.ReadAsByteArrayAsync(stopping).ConfigureAwait(false), batch.Count)
                : null;
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Sent.SetResult(statuses?[i] == 202);
            }
        }
        catch (Exception e)
        {
            foreach (var outgoing in batch)
            {
                outgoing.Sent.TrySetException(e);
            }
        }
    }

    private sealed class Outgoing(byte[] packet)
    {
        public byte[] Packet { get; } = packet;

        public TaskCompletionSource<bool> Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
