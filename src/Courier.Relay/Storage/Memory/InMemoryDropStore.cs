using Courier.Relay.Client;

namespace Courier.Relay.Storage.Memory;

/// <summary>
/// A store held in memory and lost on exit: for tests of the relay and of code that uses it.
/// Semantics match the durable stores (ordering, dedupe, quotas, nameplates, retention).
/// </summary>
public sealed class InMemoryDropStore : IDropStore
{
    private readonly Dictionary<DropName, MemoryDrop> _drops = [];
    private readonly Dictionary<int, (NameplateState State, DateTimeOffset Expires)> _nameplates = [];
    private readonly Dictionary<(DropName Drop, long Slot), (byte[] Nonces, DateTimeOffset Expires)> _nonces = [];
    private readonly AppendSignals _signals = new();
    private readonly DropStoreOptions _options;
    private readonly Lock _lock = new();
    private long _keyedDrops;

    /// <summary>An empty store.</summary>
    public InMemoryDropStore(DropStoreOptions? options = null)
    {
        _options = options ?? new DropStoreOptions();
    }

    /// <inheritdoc/>
    public string Kind => "memory";

    /// <inheritdoc/>
    public Task<CreateDropOutcome> CreateDropAsync(DropName drop, ReadOnlyMemory<byte> readKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_drops.TryGetValue(drop, out var existing))
            {
                return Task.FromResult(existing.ReadKey.AsSpan().SequenceEqual(readKey.Span) && !readKey.IsEmpty ? CreateDropOutcome.Exists : CreateDropOutcome.Conflict);
            }

            _drops[drop] = new MemoryDrop(readKey.ToArray()) { Used = _options.Time.GetUtcNow() };
            _keyedDrops++;
            return Task.FromResult(CreateDropOutcome.Created);
        }
    }

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>?> GetDropKeysAsync(DropName drop, CancellationToken cancellationToken)
        => (await GetDropAsync(drop, cancellationToken).ConfigureAwait(false))?.Keys;

    /// <inheritdoc/>
    public Task<DropState?> GetDropAsync(DropName drop, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_drops.TryGetValue(drop, out var d) ? new DropState(d.ReadKey, d.LastSeq) : null);
        }
    }

    /// <inheritdoc/>
    public Task<bool> TouchDropAsync(DropName drop, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_drops.TryGetValue(drop, out var d) || d.ReadKey.Length == 0)
            {
                return Task.FromResult(false);
            }

            d.Used = _options.Time.GetUtcNow();
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<AppendOutcome> AppendAsync(DropName drop, MessageId messageId, ReadOnlyMemory<byte> envelope, int maxEnvelopes, CancellationToken cancellationToken)
    {
        AppendOutcome outcome;
        lock (_lock)
        {
            if (!_drops.TryGetValue(drop, out var d))
            {
                return Task.FromResult(new AppendOutcome(AppendStatus.NoSuchDrop, 0));
            }

            if (d.MessageIds.TryGetValue(messageId, out var seen))
            {
                return Task.FromResult(new AppendOutcome(AppendStatus.Duplicate, seen.Seq));
            }

            if (d.Envelopes.Count >= maxEnvelopes)
            {
                return Task.FromResult(new AppendOutcome(AppendStatus.Full, 0));
            }

            d.LastSeq++;
            var now = _options.Time.GetUtcNow();
            d.Envelopes.Add(new MemoryEnvelope(d.LastSeq, envelope.ToArray(), now, messageId));
            d.MessageIds[messageId] = (d.LastSeq, now);
            outcome = new AppendOutcome(AppendStatus.Appended, d.LastSeq);
        }

        _signals.Signal(drop);
        return Task.FromResult(outcome);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredEnvelope>> ReadAsync(DropName drop, long after, int maxCount, int maxBytes, CancellationToken cancellationToken)
    {
        var result = new List<StoredEnvelope>();
        lock (_lock)
        {
            if (_drops.TryGetValue(drop, out var d))
            {
                int bytes = 0;
                foreach (var e in d.Envelopes)
                {
                    if (e.Seq <= after)
                    {
                        continue;
                    }

                    if (result.Count == maxCount || (result.Count > 0 && bytes + e.Data.Length > maxBytes))
                    {
                        break;
                    }

                    bytes += e.Data.Length;
                    result.Add(new StoredEnvelope(e.Seq, e.Data) { Id = e.Id });
                }
            }
        }

        return Task.FromResult<IReadOnlyList<StoredEnvelope>>(result);
    }

    /// <inheritdoc/>
    public Task TrimAsync(DropName drop, long through, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_drops.TryGetValue(drop, out var d))
            {
                d.Envelopes.RemoveAll(e => e.Seq <= through);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WaitForAppendAsync(DropName drop, long after, TimeSpan timeout, CancellationToken cancellationToken)
        => _signals.WaitAsync(this, drop, after, timeout, _options.Time, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> TryClaimNameplateAsync(int number, NameplateState nameplate, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameplate);
        lock (_lock)
        {
            if (_nameplates.TryGetValue(number, out var existing))
            {
                if (existing.Expires > _options.Time.GetUtcNow())
                {
                    return Task.FromResult(false);
                }

                RemoveSlots(existing.State);
            }

            _nameplates[number] = (nameplate, expires);
            _drops[nameplate.InviterSlot] = new MemoryDrop([]);
            _drops[nameplate.AcceptorSlot] = new MemoryDrop([]);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<NameplateState?> GetNameplateAsync(int number, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_nameplates.TryGetValue(number, out var n) && n.Expires > _options.Time.GetUtcNow() ? n.State : null);
        }
    }

    /// <inheritdoc/>
    public Task<JoinOutcome> TryJoinNameplateAsync(int number, ReadOnlyMemory<byte> acceptorClaim, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_nameplates.TryGetValue(number, out var n) || n.Expires <= _options.Time.GetUtcNow())
            {
                return Task.FromResult(JoinOutcome.NoSuchNameplate);
            }

            bool taken = !n.State.AcceptorClaim.IsEmpty;
            _nameplates[number] = (taken ? n.State with { Interfered = true } : n.State with { AcceptorClaim = acceptorClaim.ToArray() }, n.Expires);
            return Task.FromResult(taken ? JoinOutcome.Taken : JoinOutcome.Joined);
        }
    }

    /// <inheritdoc/>
    public Task<bool> ReleaseNameplateAsync(int number, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_nameplates.Remove(number, out var n))
            {
                return Task.FromResult(false);
            }

            RemoveSlots(n.State);
            return Task.FromResult(n.Expires > _options.Time.GetUtcNow());
        }
    }

    /// <inheritdoc/>
    public Task<NonceOutcome> TryRememberNonceAsync(DropName drop, ReadOnlyMemory<byte> nonce, long signedAt, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = _options.Time.GetUtcNow();
            long slot = ReplayWindow.Slot(signedAt, nonce.Span);
            var window = _nonces.TryGetValue((drop, slot), out var w) && w.Expires > now ? w.Nonces : [];
            var outcome = ReplayWindow.TryAdd(window, nonce.Span, out var updated);
            if (outcome == NonceOutcome.Remembered)
            {
                _nonces[(drop, slot)] = (updated, expires);
            }

            return Task.FromResult(outcome);
        }
    }

    /// <inheritdoc/>
    public Task<long> SweepAsync(CancellationToken cancellationToken)
    {
        var now = _options.Time.GetUtcNow();
        long removed = 0;
        lock (_lock)
        {
            foreach (var (number, n) in _nameplates.ToList())
            {
                if (n.Expires <= now)
                {
                    _nameplates.Remove(number);
                    RemoveSlots(n.State);
                }
            }

            foreach (var (key, window) in _nonces.ToList())
            {
                if (window.Expires <= now)
                {
                    _nonces.Remove(key);
                }
            }

            long idleCutoff = _options.IdleCutoff(now.ToUnixTimeMilliseconds());
            foreach (var (name, d) in _drops.ToList())
            {
                if (d.ReadKey.Length > 0 && d.Envelopes.Count == 0 && d.Used.ToUnixTimeMilliseconds() <= idleCutoff)
                {
                    _drops.Remove(name);
                    _keyedDrops--;
                    continue;
                }

                removed += d.Envelopes.RemoveAll(e => e.Stored <= now - _options.Retention);
                foreach (var (id, seen) in d.MessageIds.ToList())
                {
                    if (seen.Stored <= now - _options.Retention && seen.Stored <= now - _options.DedupeWindow)
                    {
                        d.MessageIds.Remove(id);
                    }
                }
            }
        }

        return Task.FromResult(removed);
    }

    /// <inheritdoc/>
    public Task<long> CountDropsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_keyedDrops);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void RemoveSlots(NameplateState nameplate)
    {
        _drops.Remove(nameplate.InviterSlot);
        _drops.Remove(nameplate.AcceptorSlot);
    }

    private sealed class MemoryDrop(byte[] readKey)
    {
        public byte[] ReadKey { get; } = readKey;

        public long LastSeq { get; set; }

        /// <summary>When the drop was created or last touched.</summary>
        public DateTimeOffset Used { get; set; }

        public List<MemoryEnvelope> Envelopes { get; } = [];

        public Dictionary<MessageId, (long Seq, DateTimeOffset Stored)> MessageIds { get; } = [];
    }

    private sealed record MemoryEnvelope(long Seq, byte[] Data, DateTimeOffset Stored, MessageId Id);
}
