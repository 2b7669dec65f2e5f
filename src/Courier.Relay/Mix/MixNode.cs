using System.Security.Cryptography;
using Courier.Mix;
using Courier.Relay.Client;
using Courier.Relay.Client.Mix;
using NSec.Cryptography;

namespace Courier.Relay.Mix;

/// <summary>
/// The relay as a mix (docs/mixnet.md, "Relays as mixes"): unwraps each packet with its mix keys and
/// persisted replay tags, holds it for the NodeDelay its sender chose, then forwards it to the next
/// hop, performs the request it carries (the last hop of a forward packet, whose answer goes back
/// through the request's SURB), or keeps the reply it carries for collection (the last hop of a SURB).
/// </summary>
internal sealed class MixNode : IDisposable
{
    /// <summary>Packets of both sizes, smallest first: up to 5 hops, each of <see cref="MixMessages.MessageLengths"/>.</summary>
    public static readonly IReadOnlyList<Sphinx> Sizes = [.. MixMessages.MessageLengths.Select(length => new Sphinx(new SphinxGeometry(SphinxGeometry.HopLimit, length)))];

    /// <summary>The longest packet a relay takes.</summary>
    public static int MaxPacketLength => Sizes[^1].Geometry.PacketLength;

    private readonly MixOptions _options;
    private readonly TimeProvider _time;
    private readonly RelayMetrics _metrics;
    private readonly Func<MixRequest, CancellationToken, Task<MixAnswer>> _perform;
    private readonly CancellationToken _stopping;
    private readonly Key _identity;
    private readonly SqliteReplayTags _tags;
    private readonly MixKeySchedule _schedule;
    private readonly MixPeers _peers;
    private readonly ITimer _refresh;
    private int _held;

    public MixNode(RelayOptions relay, RelayMetrics metrics, Func<MixRequest, CancellationToken, Task<MixAnswer>> perform, CancellationToken stopping)
    {
        _options = relay.Mix ?? throw new ArgumentException("The relay has no mix options.", nameof(relay));
        _time = relay.Time;
        _metrics = metrics;
        _perform = perform;
        _stopping = stopping;
        Directory.CreateDirectory(_options.DataDirectory);
        _identity = RelayIdentity.LoadOrCreate(_options.DataDirectory);
        IdentityKey = _identity.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var seed = _identity.Export(KeyBlobFormat.RawPrivateKey);
        BundleKey = Client.Bundles.BundleKey.ForRelay(seed);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        NodeId = MixDescriptor.NodeIdOf(IdentityKey);
        _tags = SqliteReplayTags.Open(Path.Combine(_options.DataDirectory, "mix-replay-tags.db"));
        _schedule = new MixKeySchedule(_options, _time, _tags);
        _peers = new MixPeers(_options.Peers, relay.Listen.Address, _time, stopping);
        Replies = new MixReplies(_options, _time);
        // Keys are created and retired on time even when no packet arrives.
        var every = TimeSpan.FromTicks(Math.Min(_options.EpochLength.Ticks / 4, TimeSpan.FromMinutes(1).Ticks));
        _refresh = _time.CreateTimer(_ => _schedule.Refresh(), null, every, every);
    }

    /// <summary>The raw Ed25519 identity public key, which layers pin.</summary>
    public byte[] IdentityKey { get; }

    /// <summary>The identity key as it opens bundles sealed to this relay (docs/bundles.md).</summary>
    public Client.Bundles.BundleKey BundleKey { get; }

    /// <summary>SHA-256 of the identity key.</summary>
    public byte[] NodeId { get; }

    public MixReplies Replies { get; }

    /// <summary>The signed descriptor's JSON.</summary>
    public byte[] Descriptor() => MixDescriptor.Sign(_identity, _schedule.Published());

    /// <summary>This relay's descriptor and its peers' (as they signed them, at most a quarter epoch or a minute old), for senders that should not ask each relay themselves.</summary>
    public async Task<IReadOnlyList<byte[]>> DirectoryAsync(CancellationToken cancellationToken)
    {
        var peers = await _peers.DescriptorsAsync(TimeSpan.FromTicks(Math.Min(_options.EpochLength.Ticks / 4, TimeSpan.FromMinutes(1).Ticks)), cancellationToken).ConfigureAwait(false);
        return [Descriptor(), .. peers];
    }

    /// <summary>
    /// Unwraps each of <paramref name="packets"/>, commits the replay tags of those that unwrap in one
    /// group, and starts the delay of each whose tag was new: per packet, null when it was accepted, or the
    /// <see cref="RelayProblem"/> that refuses it. No packet goes on before its tag is durable, so a mix
    /// killed at any point refuses, after its restart, every packet it had let through.
    /// </summary>
    public async Task<RelayProblem?[]> AcceptAsync(IReadOnlyList<byte[]> packets)
    {
        var problems = new RelayProblem?[packets.Count];
        var unwrapped = new List<(int Index, UnwrapResult Result, Sphinx Size, PendingTag Tag)>(packets.Count);
        for (int i = 0; i < packets.Count; i++)
        {
            if (Interlocked.Increment(ref _held) > _options.MaxQueue)
            {
                Interlocked.Decrement(ref _held);
                _metrics.Mix("refused_busy");
                problems[i] = new RelayProblem(503, "mix_busy", "the mix holds its maximum of packets; retry later") { RetryAfter = 1 };
                continue;
            }

            try
            {
                var tag = new PendingTag();
                var (result, size) = Unwrap(packets[i], tag);
                if (result.Commands.Delay is { } delay && TimeSpan.FromMilliseconds(delay) > _options.MaxDelay)
                {
                    _metrics.Mix("refused_delay");
                    throw new RelayProblem(400, "delay_too_long", "the packet asks for a longer delay than this mix holds packets");
                }

                unwrapped.Add((i, result, size, tag));
            }
            catch (RelayProblem problem)
            {
                Interlocked.Decrement(ref _held);
                problems[i] = problem;
            }
        }

        bool[] fresh;
        try
        {
            fresh = unwrapped.Count == 0 ? [] : await _tags.AddAsync([.. unwrapped.Select(u => (u.Tag.Epoch, u.Tag.Tag!))]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var (index, _, _, _) in unwrapped)
            {
                Interlocked.Decrement(ref _held);
                problems[index] = new RelayProblem(503, "unavailable", "the mix's replay store is unavailable; retry later");
            }

            return problems;
        }

        for (int u = 0; u < unwrapped.Count; u++)
        {
            var (index, result, size, _) = unwrapped[u];
            if (!fresh[u])
            {
                Interlocked.Decrement(ref _held);
                _metrics.Mix("refused_replayed");
                problems[index] = new RelayProblem(409, "replayed_packet", "this mix has seen this packet");
                continue;
            }

            _metrics.Mix(size == Sizes[0] ? "accepted_small" : "accepted_large");
            var packet = packets[index];
            _ = Task.Run(() => RunAsync(packet, result), CancellationToken.None);
        }

        return problems;
    }

    public void Dispose()
    {
        _refresh.Dispose();
        _peers.Dispose();
        _schedule.Dispose();
        _tags.Dispose();
        _identity.Dispose();
        BundleKey.Dispose();
    }

    private (UnwrapResult Result, Sphinx Size) Unwrap(byte[] packet, PendingTag tag)
    {
        var size = Sizes.FirstOrDefault(s => s.Geometry.PacketLength == packet.Length);
        if (size is null)
        {
            _metrics.Mix("refused_length");
            throw new RelayProblem(422, "bad_packet_size", $"a mix packet is {Sizes[0].Geometry.PacketLength} or {MaxPacketLength} bytes");
        }

        try
        {
            // A packet does not say which epoch's key it is for: only the right key's MAC verifies, and
            // a failed MAC changes nothing of the packet.
            return (_schedule.WithKeys(keys =>
            {
                for (int i = 0; ; i++)
                {
                    try
                    {
                        return size.Unwrap(keys[i], packet, tag);
                    }
                    catch (SphinxException e) when (e.Error == SphinxError.InvalidMac && i < keys.Count - 1)
                    {
                    }
                }
            }), size);
        }
        catch (SphinxException e)
        {
            // Replays are found when the tag is committed (AcceptAsync), not here.
            _metrics.Mix("refused_" + e.Error.ToString().ToLowerInvariant());
            throw new RelayProblem(400, "bad_packet", "the packet does not unwrap with this mix's keys");
        }
    }

    private async Task RunAsync(byte[] packet, UnwrapResult result)
    {
        try
        {
            var commands = result.Commands;
            if (commands.Delay is > 0 and var delay)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(delay), _time, _stopping).ConfigureAwait(false);
            }

            if (!commands.IsLastHop)
            {
                await SendAsync(commands.NextHopId!, packet).ConfigureAwait(false);
            }
            else if (commands.SurbId is { } surbId)
            {
                Replies.Put(surbId, packet[result.Delivered]);
                _metrics.Mix("reply_held");
            }
            else if (commands.Recipient is { } recipient && CryptographicOperations.FixedTimeEquals(recipient, NodeId))
            {
                await PerformAsync(packet.AsMemory()[result.Delivered]).ConfigureAwait(false);
            }
            else
            {
                _metrics.Mix("dropped_other_recipient");
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The relay is stopping; the sender retries through another path.
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _metrics.Mix("dropped_next_hop_unreachable");
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    /// <summary>The last hop: performs the request on this relay's store and sends the answer back through its SURB.</summary>
    private async Task PerformAsync(ReadOnlyMemory<byte> message)
    {
        MixRequest request;
        try
        {
            request = MixMessages.DecodeRequest(message.Span);
        }
        catch (MixMessageException)
        {
            _metrics.Mix("dropped_bad_request");
            return;
        }

        var size = Sizes.First(s => s.Geometry.MessageLength == request.ReplyLength);
        var answer = MixMessages.Encode(await _perform(request, _stopping).ConfigureAwait(false));
        if (answer.Length > request.ReplyLength)
        {
            answer = MixMessages.Encode(new MixAnswer(507, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse("answer_too_large", "the answer does not fit a mix packet; fetch with a smaller limit"), WireJson.Default.ErrorResponse)));
        }

        byte[] reply;
        byte[] firstHop;
        try
        {
            (reply, firstHop) = size.CreateReply(request.Surb, answer);
        }
        catch (SphinxException)
        {
            _metrics.Mix("dropped_bad_surb");
            return;
        }

        _metrics.Mix("performed");
        await SendAsync(firstHop, reply).ConfigureAwait(false);
    }

    private async Task SendAsync(byte[] nextHop, byte[] packet)
    {
        if (CryptographicOperations.FixedTimeEquals(nextHop, NodeId))
        {
            // A refusal is counted by AcceptAsync.
            await AcceptAsync([packet]).ConfigureAwait(false);
            return;
        }

        var link = await _peers.ResolveAsync(nextHop, _stopping).ConfigureAwait(false);
        if (link is null)
        {
            _metrics.Mix("dropped_unknown_hop");
            return;
        }

        _metrics.Mix(await link.SendAsync(packet).ConfigureAwait(false) ? "forwarded" : "dropped_next_hop_refused");
    }

    /// <summary>The replay tag of one packet, kept by its unwrap to be committed with the others of its group.</summary>
    private sealed class PendingTag : IReplayTags
    {
        public ulong Epoch { get; private set; }

        public byte[]? Tag { get; private set; }

        public bool TryAdd(ulong epoch, ReadOnlySpan<byte> tag)
        {
            (Epoch, Tag) = (epoch, tag.ToArray());
            return true;
        }

        public void ForgetBefore(ulong epoch) => throw new NotSupportedException("A pending tag belongs to one packet.");
    }
}
