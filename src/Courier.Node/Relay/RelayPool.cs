namespace Courier.Node.Relay;

/// <summary>
/// The relays a node talks to, one per address, made by <see cref="NodeOptions.Relays"/> on first
/// use, each behind a <see cref="CheckedRelay"/>, and kept for the node's lifetime (so connections are
/// reused); disposed with the node when disposable.
/// </summary>
internal sealed class RelayPool(Func<Uri, IRelay> connect) : IDisposable
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
        var key = HttpRelay.AddressOf(address);
        if (!_relays.TryGetValue(key, out var relay))
        {
            relay = _relays[key] = new CheckedRelay(connect(new Uri(key)));
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
