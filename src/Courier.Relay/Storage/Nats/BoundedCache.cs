namespace Courier.Relay.Storage.Nats;

/// <summary>The bound on what a relay caches per drop: a full cache is emptied rather than grown.</summary>
internal static class BoundedCache
{
    /// <summary>Entries a relay keeps in one cache of drops.</summary>
    public const int Limit = 200_000;

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, first emptying the cache when it holds <paramref name="limit"/> entries.</summary>
    public static void Remember<TKey, TValue>(IDictionary<TKey, TValue> cache, TKey key, TValue value, int limit = Limit)
    {
        if (cache.Count >= limit)
        {
            cache.Clear();
        }

        cache[key] = value;
    }
}
