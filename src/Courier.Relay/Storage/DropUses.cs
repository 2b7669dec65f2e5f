using System.Collections.Concurrent;
using Courier.Relay.Client;
using Courier.Relay.Storage.Nats;

namespace Courier.Relay.Storage;

/// <summary>
/// The drops this process recorded a use of lately, so that a store writes a drop's time of use at
/// most once per <see cref="DropStoreOptions.UseGranularity"/>. A drop recorded here existed then and
/// cannot have been deleted as idle since (that needs the retention period without a recorded use).
/// </summary>
internal sealed class DropUses(DropStoreOptions options)
{
    private readonly ConcurrentDictionary<DropName, long> _recorded = new();
    private readonly long _granularity = (long)options.UseGranularity.TotalMilliseconds;

    /// <summary>True when this process recorded a use of <paramref name="drop"/> within the granularity.</summary>
    public bool IsRecent(DropName drop, long nowMilliseconds)
        => _recorded.TryGetValue(drop, out long at) && nowMilliseconds - at < _granularity && nowMilliseconds >= at;

    /// <summary>Notes that a use of <paramref name="drop"/> at <paramref name="nowMilliseconds"/> was written to the store.</summary>
    public void Recorded(DropName drop, long nowMilliseconds) => BoundedCache.Remember(_recorded, drop, nowMilliseconds);
}
