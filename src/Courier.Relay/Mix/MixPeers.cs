using System.Net;
using System.Net.Security;
using Courier.Relay.Client;
using Courier.Relay.Client.Mix;

namespace Courier.Relay.Mix;

/// <summary>
/// The other mixes this relay forwards to (<see cref="MixOptions.Peers"/>): node id → address, learned
/// from their descriptors. A descriptor is self-certifying (the id is the hash of the key that signs it),
/// so a peer cannot claim another's id. Connections leave from the relay's own listen address.
/// </summary>
internal sealed class MixPeers : IDisposable
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Uri, HttpClient> _clients = [];
    private readonly Dictionary<Uri, MixLink> _links = [];
    private readonly Dictionary<string, Uri> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<Uri, byte[]> _descriptors = [];
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly TimeProvider _time;
    private DateTimeOffset _refreshed = DateTimeOffset.MinValue;

    public MixPeers(IReadOnlyList<Uri> peers, IPAddress? source, TimeProvider time, CancellationToken stopping)
    {
        _time = time;
        foreach (var peer in peers)
        {
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            if (source is not null && !source.Equals(IPAddress.Any) && !source.Equals(IPAddress.IPv6Any))
            {
                handler.ConnectCallback = SourceAddress.ConnectFrom(source);
            }

            if (RelayPin.FromAddress(peer) is { } pin)
            {
                // A peer's self-signed certificate is accepted on its pin alone, as nodes accept relays'.
                handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => pin.MatchesPresented(certificate) };
            }

            _clients[peer] = new HttpClient(handler) { BaseAddress = new Uri(peer.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30) };
            _links[peer] = new MixLink(_clients[peer], stopping);
        }
    }

    /// <summary>The link to the peer whose node id is <paramref name="id"/>, or null when no peer has it.</summary>
    public async Task<MixLink?> ResolveAsync(byte[] id, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(id);
        lock (_byId)
        {
            if (_byId.TryGetValue(key, out var known))
            {
                return _links[known];
            }
        }

        // An unknown id (a packet's choice) triggers at most one round of descriptor fetches every few seconds.
        await RefreshAsync(RefreshEvery, cancellationToken).ConfigureAwait(false);
        lock (_byId)
        {
            return _byId.TryGetValue(key, out var peer) ? _links[peer] : null;
        }
    }

    /// <summary>The peers' descriptors as they sent them (verified), at most <paramref name="maxAge"/> old when the peers answer.</summary>
    public async Task<IReadOnlyList<byte[]>> DescriptorsAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        await RefreshAsync(maxAge, cancellationToken).ConfigureAwait(false);
        lock (_byId)
        {
            return [.. _descriptors.Values];
        }
    }

    private async Task RefreshAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_time.GetUtcNow() - _refreshed >= maxAge)
            {
                _refreshed = _time.GetUtcNow();
                foreach (var (peer, client) in _clients)
                {
                    try
                    {
                        var json = await client.GetByteArrayAsync("/v1/mix/descriptor", cancellationToken).ConfigureAwait(false);
                        var descriptor = MixDescriptor.Verify(json);
                        lock (_byId)
                        {
                            _byId[Convert.ToHexString(descriptor.NodeId)] = peer;
                            _descriptors[peer] = json;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or MixDescriptorException or TaskCanceledException)
                    {
                        // A peer that is down or answers nonsense is asked again at the next refresh.
                    }
                }
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _refresh.Dispose();
    }
}
