using System.Buffers.Binary;

namespace Courier.Relay.Storage;

/// <summary>
/// The nonces of accepted signed requests, each kept until its timestamp leaves the freshness
/// window. Bounded: when full, new signed requests are refused rather than memory growing. Held in
/// memory, so it forgets at a restart: requests signed before this cache existed (in whole
/// seconds) are refused, as the previous process may have accepted them.
/// </summary>
internal sealed class ReplayCache(TimeProvider time, int capacity = 1_000_000)
{
    private readonly long _startSecond = time.GetUtcNow().ToUnixTimeSeconds();
    private readonly Dictionary<UInt128, long> _expiries = [];
    private readonly Lock _lock = new();
    private long _nextSweep;

    public bool TryRemember(ReadOnlySpan<byte> nonce, DateTimeOffset signedAt, DateTimeOffset expires)
    {
        if (signedAt.ToUnixTimeSeconds() < _startSecond)
        {
            return false;
        }

        if (nonce.Length != 16)
        {
            throw new ArgumentException("A nonce is 16 bytes.", nameof(nonce));
        }

        var key = BinaryPrimitives.ReadUInt128LittleEndian(nonce);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (now >= _nextSweep || _expiries.Count >= capacity)
            {
                int before = _expiries.Count;
                foreach (var (k, e) in _expiries)
                {
                    if (e <= now)
                    {
                        _expiries.Remove(k);
                    }
                }

                // Give memory back after a burst, so quiet periods cost nothing.
                if (_expiries.Count < before / 2)
                {
                    _expiries.TrimExcess();
                }

                _nextSweep = now + 5_000;
            }

            if (_expiries.TryGetValue(key, out long expiry) && expiry > now)
            {
                return false;
            }

            if (_expiries.Count >= capacity)
            {
                throw new ReplayCacheFullException();
            }

            _expiries[key] = expires.ToUnixTimeMilliseconds();
            return true;
        }
    }
}
