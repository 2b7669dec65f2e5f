using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Courier.Mix;
using Courier.Relay.Client.Mix;

namespace Courier.Node.Relay.Mix;

/// <summary>
/// Drop requests to one relay of a layer sent as Sphinx packets (docs/mixnet.md, "Nodes through the
/// mix"): on a path of three relays of the layer whose last is the relay that stores the drop, entered
/// through another, with a SURB whose path ends at the entry relay, where the answer is collected. The
/// node never connects to the storing relay for a drop. Under an <see cref="HttpRelay"/>, so requests
/// are signed and answers read exactly as over HTTP; a reply that does not come is an
/// <see cref="HttpRequestException"/>, which the node retries (<see cref="RelayRetry"/>) with the same
/// message id, each time on a freshly drawn path. Nameplates go directly to the relay.
/// </summary>
internal sealed class MixHandler : DelegatingHandler
{
    private static readonly Sphinx Small = new(new SphinxGeometry(SphinxGeometry.HopLimit, MixMessages.SmallMessageLength));
    private static readonly Sphinx Large = new(new SphinxGeometry(SphinxGeometry.HopLimit, MixMessages.LargeMessageLength));
    private static readonly TimeSpan DirectoryAge = TimeSpan.FromMinutes(1);
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    private readonly string _target;
    private readonly byte[] _targetPin;
    private readonly IReadOnlyList<byte[]> _pins;
    private readonly Dictionary<string, (HttpClient Client, byte[] Pin)> _others = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _delayMean;
    private readonly TimeSpan _replyTimeout;
    private readonly Lock _gate = new();
    private (DateTimeOffset Fetched, IReadOnlyList<MixDescriptor> Descriptors)? _directory;

    /// <param name="target">The relay that stores the drops (<see cref="HttpRelay.AddressOf"/> form).</param>
    /// <param name="relays">The layer's relays, with <paramref name="target"/>; at least three.</param>
    /// <param name="pins">Their mix identity keys, in the same order.</param>
    /// <param name="options">The node's clock, bind address, TLS and delay settings.</param>
    public MixHandler(string target, IReadOnlyList<string> relays, IReadOnlyList<byte[]> pins, NodeOptions options)
        : base(HttpRelay.DirectHandler(new Uri(target), options.AllowInsecureHttp, options.Bind))
    {
        if (relays.Count < 3 || relays.Count != pins.Count || !relays.Contains(target))
        {
            throw new ArgumentException("A mix path needs three relays of the layer, each with its pin, the target among them.", nameof(relays));
        }

        _target = target;
        _pins = pins;
        _time = options.Time;
        _delayMean = options.MixDelay;
        _replyTimeout = options.MixReplyTimeout;
        for (int i = 0; i < relays.Count; i++)
        {
            if (relays[i] == target)
            {
                _targetPin = pins[i];
                continue;
            }

            var http = new HttpClient(HttpRelay.DirectHandler(new Uri(relays[i]), options.AllowInsecureHttp, options.Bind))
            {
                BaseAddress = new Uri(new Uri(relays[i]).GetLeftPart(UriPartial.Authority) + "/"),
                Timeout = TimeSpan.FromSeconds(90),
            };
            _others[relays[i]] = (http, pins[i]);
        }

        _targetPin ??= [];
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.RequestUri!.AbsolutePath.StartsWith("/v1/drops", StringComparison.Ordinal))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var (entry, middle, target, client, hop) = await PathAsync(cancellationToken).ConfigureAwait(false);
        var surbId = RandomNumberGenerator.GetBytes(SphinxGeometry.SurbIdLength);
        // A SURB's header is the same for both sizes; its reply comes in the size the request asks for.
        var (surb, keys) = Small.CreateSurb([hop(middle, null, null), hop(entry, null, surbId)]);
        using (keys)
        {
            var mixRequest = await MixMessages.FromHttpAsync(request, surb, cancellationToken).ConfigureAwait(false);
            var message = MixMessages.Encode(mixRequest);
            var packet = SizeOf(MixMessages.MessageLengthFor(message.Length))
                .CreatePacket([hop(entry, null, null), hop(middle, null, null), hop(target, MixDescriptor.NodeIdOf(target), null)], message);
            await PostAsync(client, packet, cancellationToken).ConfigureAwait(false);
            var payload = await CollectAsync(client, surbId, _time.GetUtcNow() + WaitOf(request) + _replyTimeout, cancellationToken).ConfigureAwait(false);
            try
            {
                return MixMessages.ToHttp(MixMessages.DecodeAnswer(SizeOf(mixRequest.ReplyLength).DecryptReply(keys, payload)), request);
            }
            catch (Exception e) when (e is SphinxException or MixMessageException)
            {
                throw new HttpRequestException("The reply that came back through the mix does not decrypt or decode.", e);
            }
        }
    }

    /// <summary>
    /// A drop packet (cover traffic): a small packet, as most requests are, on a path like a request's
    /// whose last hop finds the recipient <see cref="CoverRecipient"/> and discards it.
    /// </summary>
    public async Task SendDropAsync(CancellationToken cancellationToken)
    {
        var (entry, middle, target, client, hop) = await PathAsync(cancellationToken).ConfigureAwait(false);
        await PostAsync(client, Small.CreatePacket([hop(entry, null, null), hop(middle, null, null), hop(target, CoverRecipient, null)], []), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A loop packet (cover traffic): a fetch of a random drop name on a path like a request's; its
    /// answer (404, no such drop) comes back through its SURB to this node. True when it came back.
    /// </summary>
    public async Task<bool> SendLoopAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://loop.invalid/v1/drops/{Courier.Relay.Client.DropName.NewRandom()}/envelopes?after=0&limit=1&wait=0"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound;
    }

    /// <summary>The recipient of drop packets: 32 zero bytes, no relay's node id.</summary>
    public static byte[] CoverRecipient { get; } = new byte[SphinxGeometry.RecipientIdLength];

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var (client, _) in _others.Values)
            {
                client.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// A fresh path: a random entry and middle among the layer's other relays, then the target; the
    /// answer returns middle → entry. Returns the entry's client and how to make each hop (pin, recipient, SURB id).
    /// </summary>
    private async Task<(byte[] Entry, byte[] Middle, byte[] Target, HttpClient Client, Func<byte[], byte[]?, byte[]?, PathHop> Hop)> PathAsync(CancellationToken cancellationToken)
    {
        var others = _others.Keys.Order(StringComparer.Ordinal).ToList();
        var entry = others[RandomNumberGenerator.GetInt32(others.Count)];
        others.Remove(entry);
        var middle = others[RandomNumberGenerator.GetInt32(others.Count)];
        var client = _others[entry].Client;
        var directory = await DirectoryAsync(client, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        PathHop Hop(byte[] pin, byte[]? recipient, byte[]? surbId)
        {
            var descriptor = directory.FirstOrDefault(d => d.IdentityKey.AsSpan().SequenceEqual(pin))
                             ?? throw new HttpRequestException("The entry relay's mix directory lacks a relay of the layer.");
            try
            {
                return new PathHop(descriptor.NodeId, descriptor.KeyAt(now).PublicKey, Delay(), recipient, surbId);
            }
            catch (MixDescriptorException e)
            {
                lock (_gate)
                {
                    _directory = null;
                }

                throw new HttpRequestException("A relay of the layer publishes no mix key valid now.", e);
            }
        }

        return (_others[entry].Pin, _others[middle].Pin, _targetPin, client, Hop);
    }

    private static Sphinx SizeOf(int messageLength) => messageLength == MixMessages.SmallMessageLength ? Small : Large;

    private static async Task PostAsync(HttpClient entry, byte[] packet, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(packet);
        content.Headers.ContentType = OctetStream;
        using var posted = await entry.PostAsync("/v1/mix/packets", content, cancellationToken).ConfigureAwait(false);
        if (posted.StatusCode != HttpStatusCode.Accepted)
        {
            throw new HttpRequestException($"The entry relay refused the packet ({(int)posted.StatusCode}).");
        }
    }

    /// <summary>Long-polls the entry relay for the reply until <paramref name="deadline"/>.</summary>
    private async Task<byte[]> CollectAsync(HttpClient entry, byte[] surbId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var path = "/v1/mix/replies/" + Base64Url.EncodeToString(surbId);
        while (true)
        {
            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new HttpRequestException("No reply came back through the mix in time.");
            }

            int wait = (int)Math.Ceiling(Math.Min(remaining.TotalSeconds, 60));
            using var reply = await entry.GetAsync(path + "?wait=" + wait.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            if (reply.StatusCode == HttpStatusCode.OK)
            {
                return await reply.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }

            if (reply.StatusCode != HttpStatusCode.NotFound)
            {
                throw new HttpRequestException($"The entry relay did not hand out the reply ({(int)reply.StatusCode}).");
            }
        }
    }

    /// <summary>The layer's descriptors from the entry relay's directory, verified against the pins; fetched again after a minute.</summary>
    private async Task<IReadOnlyList<MixDescriptor>> DirectoryAsync(HttpClient entry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_directory is { } known && _time.GetUtcNow() - known.Fetched < DirectoryAge)
            {
                return known.Descriptors;
            }
        }

        try
        {
            var json = await entry.GetByteArrayAsync("/v1/mix/directory", cancellationToken).ConfigureAwait(false);
            var descriptors = MixDirectory.Verify(json, _pins);
            lock (_gate)
            {
                _directory = (_time.GetUtcNow(), descriptors);
            }

            return descriptors;
        }
        catch (MixDescriptorException e)
        {
            throw new HttpRequestException("The entry relay's mix directory does not verify against the layer's pins.", e);
        }
    }

    /// <summary>A Loopix delay: exponential with mean <see cref="NodeOptions.MixDelay"/>, in milliseconds, at most ten means.</summary>
    private uint? Delay()
    {
        if (_delayMean <= TimeSpan.Zero)
        {
            return null;
        }

        double uniform = (RandomNumberGenerator.GetInt32(int.MaxValue) + 1.0) / int.MaxValue;
        return (uint)Math.Min(-Math.Log(uniform) * _delayMean.TotalMilliseconds, 10 * _delayMean.TotalMilliseconds);
    }

    private static TimeSpan WaitOf(HttpRequestMessage request)
    {
        foreach (var part in request.RequestUri!.Query.TrimStart('?').Split('&'))
        {
            if (part.StartsWith("wait=", StringComparison.Ordinal) && int.TryParse(part.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return TimeSpan.Zero;
    }
}
