using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Courier.Mix;
using Courier.Relay.Client;
using Courier.Relay.Client.Mix;

namespace Courier.Relay.Tests.Mix;

/// <summary>
/// Three relay processes as mixes (issue 14, part A): a request built by hand travels A → B → C, C
/// performs it on its store and the answer returns through the SURB to A, where the sender collects
/// it; replays and flipped bits are refused at the hop that sees them, also after a restart.
/// </summary>
public sealed class MixRelayTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly Mixes _mixes = new();

    public Task InitializeAsync() => _mixes.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _mixes.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_request_travels_A_B_C_and_its_answers_come_back_through_SURBs()
    {
        var (relay, _) = _mixes.Client(forward: ["a", "b", "c"], reply: ["b", "a"]);
        var drop = DropName.NewRandom();
        using var readKey = DropReadKey.Create();
        using var appendKey = DropAppendKey.Create();

        Assert.True(await relay.CreateDropAsync(drop, readKey, appendKey));
        // A 4 KiB envelope travels in a small packet, a 64 KiB one in a large.
        var small = RandomNumberGenerator.GetBytes(EnvelopeSizes.Medium);
        Assert.Equal(new AppendReceipt(1, false), await relay.AppendAsync(drop, appendKey, small, MessageId.NewRandom()));
        var envelope = RandomNumberGenerator.GetBytes(EnvelopeSizes.Max);
        var id = MessageId.NewRandom();
        Assert.Equal(new AppendReceipt(2, false), await relay.AppendAsync(drop, appendKey, envelope, id));
        // The same message id again through the mix: the duplicate answer, nothing stored twice.
        Assert.Equal(new AppendReceipt(2, true), await relay.AppendAsync(drop, appendKey, envelope, id));
        // Fetches are small requests with large replies: 64 KiB of envelopes come back.
        Assert.Equal(small, Assert.Single((await relay.FetchAsync(drop, readKey, 0)).Envelopes).Data.ToArray());
        var fetched = await relay.FetchAsync(drop, readKey, 1);
        Assert.Equal(2, fetched.Last);
        Assert.Equal(envelope, Assert.Single(fetched.Envelopes).Data.ToArray());

        // C stores the drop; A and B only passed packets along.
        using var direct = new HttpClient { BaseAddress = _mixes["c"].Process.Address };
        Assert.Equal(2, (await new RelayClient(direct).FetchAsync(drop, readKey, 0)).Last);
        Assert.Equal(6, await _mixes.CountAsync("c", "performed", 6));
        Assert.Equal(0, await _mixes.CountAsync("a", "performed", 0));
        Assert.Equal(6, await _mixes.CountAsync("a", "forwarded", 6)); // the 6 requests, to B
        Assert.Equal(12, await _mixes.CountAsync("b", "forwarded", 12)); // the 6 requests to C, their 6 answers to A
        Assert.Equal(6, await _mixes.CountAsync("a", "reply_held", 6));
        // Requests: create, the small append and both fetches small, the two large appends large; answers: the fetches' large, the rest small.
        Assert.Equal(4, await _mixes.CountAsync("c", "accepted_small", 4));
        Assert.Equal(2, await _mixes.CountAsync("c", "accepted_large", 2));
        Assert.Equal(4 + 4, await _mixes.CountAsync("b", "accepted_small", 8));
        Assert.Equal(2 + 2, await _mixes.CountAsync("b", "accepted_large", 4));

        // The HTTP API's checks hold through the mix: a fetch signed with another key is refused.
        using var stranger = DropReadKey.Create();
        var refused = await Assert.ThrowsAsync<RelayRequestException>(() => relay.FetchAsync(drop, stranger, 0));
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task A_replayed_packet_is_dropped_also_after_the_mix_restarts()
    {
        var (relay, sender) = _mixes.Client(forward: ["a", "b", "c"], reply: ["b", "a"]);
        var drop = DropName.NewRandom();
        using var readKey = DropReadKey.Create();
        await relay.CreateDropAsync(drop, readKey, null);
        using (var replayed = await HandBuiltMix.PostAsync(_mixes["a"].Http, sender.LastPacket))
        {
            Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        }

        // A packet whose only hop is C, sent to C directly: performed once, then refused, also after C is killed and restarted.
        var (oneHop, oneHopSender) = _mixes.Client(forward: ["c"], reply: ["c"], entry: "c");
        await oneHop.AppendAsync(drop, null, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
        var packet = oneHopSender.LastPacket;
        using (var replayed = await HandBuiltMix.PostAsync(_mixes["c"].Http, packet))
        {
            Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        }

        await _mixes.RestartAsync("c");
        using (var replayed = await HandBuiltMix.PostAsync(_mixes["c"].Http, packet))
        {
            Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        }

        Assert.Equal(1, await _mixes.CountAsync("c", "refused_replayed", 1));
        Assert.Equal(1, (await relay.FetchAsync(drop, readKey, 0)).Last);
    }

    [Fact]
    public async Task A_flipped_bit_is_refused_at_the_hop_that_sees_it_in_packets_of_either_size()
    {
        var (relay, sender) = _mixes.Client(forward: ["a", "b", "c"], reply: ["b", "a"]);
        var drop = DropName.NewRandom();
        using var readKey = DropReadKey.Create();
        await relay.CreateDropAsync(drop, readKey, null);
        sender.ReplyWait = TimeSpan.FromSeconds(2);
        int refusedPayloads = 0;
        foreach (var (size, packetSize) in new[] { (EnvelopeSizes.Small, HandBuiltMix.Small), (EnvelopeSizes.Max, HandBuiltMix.Large) })
        {
            // A bit of the header: A's MAC refuses it, and answers the sender so.
            sender.Tamper = packet => packet[100] ^= 0x08;
            var header = await Assert.ThrowsAsync<RelayRequestException>(() => relay.AppendAsync(drop, null, new byte[size], MessageId.NewRandom()));
            Assert.Equal(400, header.Status);
            Assert.Equal(packetSize.Geometry.PacketLength, sender.LastPacket.Length);

            // A bit of the payload, near its end: A and B cannot see it (Lioness hides it), C finds the tag garbled and performs nothing.
            sender.Tamper = packet => packet[^7] ^= 0x01;
            await Assert.ThrowsAsync<HttpRequestException>(() => relay.AppendAsync(drop, null, new byte[size], MessageId.NewRandom()));
            Assert.Equal(++refusedPayloads, await _mixes.CountAsync("c", "refused_invalidpayload", refusedPayloads));
        }

        Assert.Equal(2, await _mixes.CountAsync("a", "refused_invalidmac", 2));
        Assert.Equal(0, await _mixes.CountAsync("b", "refused_invalidpayload", 0));

        // A packet of neither size is refused before any cryptography.
        using (var odd = await HandBuiltMix.PostAsync(_mixes["a"].Http, new byte[HandBuiltMix.Small.Geometry.PacketLength + 1]))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, odd.StatusCode);
        }

        sender.Tamper = null;
        Assert.Equal(0, (await relay.FetchAsync(drop, readKey, 0)).Last);
    }

    /// <summary>Three relay processes A, B, C on 127.0.0.2-4, each the others' mix peer.</summary>
    internal sealed class Mixes : IAsyncDisposable
    {
        private readonly Dictionary<string, Mix> _mixes = [];
        private readonly List<IDisposable> _owned = [];

        public Mix this[string name] => _mixes[name];

        public async Task StartAsync(string directory)
        {
            string[] names = ["a", "b", "c"];
            var ends = names.Select((n, i) => (Name: n, Listen: $"127.0.0.{i + 2}:{RelayProcess.FreePort()}")).ToList();
            foreach (var (name, listen) in ends)
            {
                var arguments = new List<string> { "--listen", listen, "--data", Path.Combine(directory, name), "--rate-limit", "0" };
                foreach (var peer in ends.Where(e => e.Name != name))
                {
                    arguments.AddRange(["--mix-peer", $"http://{peer.Listen}/"]);
                }

                _mixes[name] = new Mix(arguments.ToArray());
            }

            await Task.WhenAll(_mixes.Values.Select(m => m.StartAsync()));
        }

        public async Task RestartAsync(string name)
        {
            _mixes[name].Process.Kill();
            await _mixes[name].StartAsync();
        }

        /// <summary>A relay client whose requests go by hand-built packets along <paramref name="forward"/>, answers along <paramref name="reply"/>.</summary>
        public (RelayClient Client, HandBuiltMix Sender) Client(string[] forward, string[] reply, string entry = "a")
        {
            var now = DateTimeOffset.UtcNow;
            PathHop Hop(string name, byte[]? recipient = null, byte[]? surbId = null)
                => new(_mixes[name].Descriptor.NodeId, _mixes[name].Descriptor.KeyAt(now).PublicKey, recipient: recipient, surbId: surbId);
            var sender = new HandBuiltMix(
                _mixes[entry].Http,
                _ => [.. forward[..^1].Select(n => Hop(n)), Hop(forward[^1], recipient: _mixes[forward[^1]].Descriptor.NodeId)],
                surbId => [.. reply[..^1].Select(n => Hop(n)), Hop(reply[^1], surbId: surbId)]);
            var http = new HttpClient(sender) { BaseAddress = new Uri("http://mix.invalid/") };
            _owned.Add(http);
            return (new RelayClient(http), sender);
        }

        /// <summary>
        /// The relay's courier_mix_packets_total for <paramref name="outcome"/>, once it is <paramref name="expected"/>
        /// or after 10 s: a packet is counted after the answer to its sender, so the last counts may lag. Null: as it is now.
        /// </summary>
        public async Task<long> CountAsync(string name, string outcome, long? expected)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                var text = await _mixes[name].Http.GetStringAsync("/metrics");
                var line = text.Split('\n').FirstOrDefault(l => l.StartsWith($"courier_mix_packets_total{{outcome=\"{outcome}\"}} ", StringComparison.Ordinal));
                long count = line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                if (expected is null || count == expected || DateTime.UtcNow > deadline)
                {
                    return count;
                }

                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            foreach (var mix in _mixes.Values)
            {
                mix.Dispose();
            }

            await Task.CompletedTask;
        }
    }

    internal sealed class Mix(string[] arguments) : IDisposable
    {
        public RelayProcess Process { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public MixDescriptor Descriptor { get; private set; } = null!;

        public async Task StartAsync()
        {
            Http?.Dispose();
            Process = await RelayProcess.StartAsync(arguments);
            Http = new HttpClient { BaseAddress = Process.Address };
            // The descriptor is checked against the identity key the relay printed, as a layer pins it.
            var pin = Base64Url.DecodeFromChars(Process.MixIdentityKey);
            Descriptor = MixDescriptor.Verify(await Http.GetByteArrayAsync("/v1/mix/descriptor"), pin);
        }

        public void Dispose()
        {
            Http?.Dispose();
            Process?.Dispose();
        }
    }
}
