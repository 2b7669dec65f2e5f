namespace Courier.Node.Relay;

/// <summary>
/// The relays a node talks to, one per address and route, made by <paramref name="connect"/> on first
/// use, each behind a <see cref="CheckedRelay"/>, and kept for the node's lifetime (so connections are
/// reused); disposed with the node when disposable.
/// </summary>
/// <param name="connect">Makes the relay at an address (normalized by <see cref="HttpRelay.AddressOf"/>).</param>
/// <param name="routeOf">
/// How the node reaches that address now (such as "direct", or through which layer's mix): a relay
/// first used directly and later pinned in a layer is reached through the mix from then on, not over
/// the direct connection made before.
/// </param>
internal sealed class RelayPool(Func<Uri, IRelay> connect, Func<string, string> routeOf) : IDisposable
{
    private readonly Dictionary<string, IRelay> _relays = new(StringComparer.Ordinal);

    /// <summary>The relay at <paramref name="address"/> (any form of its URL; the scheme, host, port and pin count).</summary>
    /// <exception cref="ArgumentException">The address is not an http or https URL (with, if any, a pin).</exception>
    public IRelay At(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Uri.TryCreate(address, UriKind.Absolute, out var uri) ? At(uri) : throw new ArgumentException("A relay address is an http or https URL.", nameof(address));
    }

    /// <summary>The relay at <paramref name="address"/>.</summary>
    public IRelay At(Uri address)
    {
        var target = HttpRelay.AddressOf(address);
        var key = target + " " + routeOf(target);
        if (!_relays.TryGetValue(key, out var relay))
        {
            relay = _relays[key] = new CheckedRelay(connect(new Uri(target)));
        }

        return relay;
    }

    public void Dispose()
    {
        foreach (var relay in _relays.Values)
        {
            (relay as IDisposable)?.Dispose();
        }

        _relays.Clear();
    }
}
