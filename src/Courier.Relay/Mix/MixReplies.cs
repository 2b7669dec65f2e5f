namespace Courier.Relay.Mix;

/// <summary>
/// Replies that came back through SURBs ending at this relay, kept under their SURB id until the
/// requester collects them (<c>GET /v1/mix/replies/{surbId}</c>): at most <see cref="MixOptions.MaxReplies"/>
/// (the oldest dropped first), each for <see cref="MixOptions.ReplyLifetime"/>, in memory only.
/// </summary>
internal sealed class MixReplies(MixOptions options, TimeProvider time)
{
    private readonly Dictionary<string, (byte[] Payload, DateTimeOffset Expires)> _replies = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Dictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Put(ReadOnlySpan<byte> surbId, byte[] payload)
    {
        var key = Convert.ToHexString(surbId);
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            // Every reply lives equally long, so the queue is in expiry order: drop from its head what
            // expired or was collected, then the oldest while over the bound.
            var now = time.GetUtcNow();
            while (_order.TryPeek(out var head) && (!_replies.TryGetValue(head, out var held) || held.Expires <= now || _replies.Count >= options.MaxReplies || _order.Count > 4 * options.MaxReplies))
            {
                _replies.Remove(_order.Dequeue());
            }

            // A second reply under an id still held is refused (each hop also drops a replayed SURB).
            if (!_replies.TryAdd(key, (payload, now + options.ReplyLifetime)))
            {
                return;
            }

            _order.Enqueue(key);
            _waiting.Remove(key, out waiter);
        }

        waiter?.TrySetResult();
    }

    /// <summary>Takes the reply for <paramref name="surbId"/>, waiting up to <paramref name="wait"/>; null when none came.</summary>
    public async Task<byte[]?> TakeAsync(byte[] surbId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(surbId);
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (TryTake(key) is { } ready)
            {
                return ready;
            }

            if (wait <= TimeSpan.Zero)
            {
                return null;
            }

            if (!_waiting.TryGetValue(key, out waiter!))
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting[key] = waiter;
            }
        }

        try
        {
            await waiter.Task.WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                if (_waiting.TryGetValue(key, out var current) && current == waiter)
                {
                    _waiting.Remove(key);
                }
            }
        }

        lock (_gate)
        {
            return TryTake(key);
        }
    }

    private byte[]? TryTake(string key)
    {
        if (!_replies.Remove(key, out var reply))
        {
            return null;
        }

        // Its place in _order is left for the trim above to skip; an expired reply is not handed out.
        return reply.Expires > time.GetUtcNow() ? reply.Payload : null;
    }
}
