using Courier.Relay.Client.Mix;

namespace Courier.Node.Relay.Mix;

/// <summary>Relays' mix identity keys as their descriptors give them: what a layer pins when its creator does not give them (trust on first use).</summary>
internal static class MixIdentity
{
    /// <exception cref="RelayUnreachableException">A relay does not answer, or publishes no valid descriptor (it does not mix).</exception>
    public static async Task<IReadOnlyList<byte[]>> FetchAsync(IReadOnlyList<Uri> relays, NodeOptions options, CancellationToken cancellationToken)
    {
        var keys = new List<byte[]>(relays.Count);
        foreach (var relay in relays)
        {
            using var http = new HttpClient(HttpRelay.DirectHandler(relay, options.AllowInsecureHttp, options.Bind)) { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var json = await http.GetByteArrayAsync(new Uri(new Uri(relay.GetLeftPart(UriPartial.Authority)), "/v1/mix/descriptor"), cancellationToken).ConfigureAwait(false);
                keys.Add(MixDescriptor.Verify(json).IdentityKey);
            }
            catch (Exception e) when (e is HttpRequestException or MixDescriptorException or TaskCanceledException { InnerException: TimeoutException })
            {
                throw new RelayUnreachableException($"The relay at {HttpRelay.AddressOf(relay)} gave no mix descriptor ({e.Message}); it may not mix (a relay mixes when started with --data).", e);
            }
        }

        return keys;
    }
}
