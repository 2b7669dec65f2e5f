using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Courier.Mix;
using Courier.Relay.Mix;

namespace Courier.Relay.Tests.Mix;

/// <summary>
/// Batches between mixes (docs/mixnet.md, "Batches between mixes"): each packet of a batch is checked
/// as it would be alone (MAC, size, replay, also against a copy in the same batch), a batch is refused
/// whole only for its framing, its size or the sender's rate, and a mix killed while batches pass
/// never lets a packet through twice.
/// </summary>
public sealed class MixBatchTests : IAsyncLifetime
{
    private static readonly byte[] NoRelay = new byte[SphinxGeometry.RecipientIdLength];
    private readonly TempDirectory _dir = new();
    private readonly MixRelayTests.Mixes _mixes = new();

    public Task InitializeAsync() => _mixes.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _mixes.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Each_packet_of_a_batch_is_accepted_or_refused_as_it_would_be_alone()
    {
        var first = Packet();
        var tampered = Packet();
        tampered[100] ^= 0x08;
        var last = Packet();
        // The same packet twice in one batch: its second copy is a replay although neither tag was durable before.
        var statuses = await PostAsync(_mixes["a"].Http, [first, first.ToArray(), tampered, new byte[100], last]);
        Assert.Equal(new[] { 202, 409, 400, 422, 202 }, statuses);

        // A tag committed by a batch refuses the packet on the single-packet endpoint, and the reverse.
        using (var alone = await HandBuiltMix.PostAsync(_mixes["a"].Http, first.ToArray()))
        {
            Assert.Equal(HttpStatusCode.Conflict, alone.StatusCode);
        }

        var single = Packet();
        using (var alone = await HandBuiltMix.PostAsync(_mixes["a"].Http, single.ToArray()))
        {
            Assert.Equal(HttpStatusCode.Accepted, alone.StatusCode);
        }

        Assert.Equal(new[] { 409 }, await PostAsync(_mixes["a"].Http, [single]));

        // A forwarded the three it accepted to B (in batches), which discarded them: no relay is their recipient.
        Assert.Equal(3, await _mixes.CountAsync("a", "forwarded", 3));
        Assert.Equal(3, await _mixes.CountAsync("b", "dropped_other_recipient", 3));
        Assert.Equal(3, await _mixes.CountAsync("a", "refused_replayed", 3));
    }

    [Fact]
    public async Task A_batch_is_refused_whole_only_for_its_framing_or_size()
    {
        var packet = Packet();
        var overrun = Frame([packet]);
        BinaryPrimitives.WriteInt32BigEndian(overrun, packet.Length + 1);
        await AssertRefusedAsync(overrun, HttpStatusCode.BadRequest, "bad_batch");
        await AssertRefusedAsync([], HttpStatusCode.BadRequest, "bad_batch");
        await AssertRefusedAsync(Frame([.. Enumerable.Range(0, MixBatch.MaxPackets + 1).Select(_ => new byte[16])]), HttpStatusCode.RequestEntityTooLarge, "too_many_packets");
        // Nothing of a refused batch was unwrapped: the packet is still new.
        Assert.Equal(new[] { 202 }, await PostAsync(_mixes["a"].Http, [packet]));
    }

    [Fact]
    public async Task Each_packet_of_a_batch_counts_against_the_address_rate()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions
        {
            Listen = o.Listen,
            RequestsPerSecondPerClient = 10,
            Mix = new MixOptions { DataDirectory = Path.Combine(_dir.Path, "rated") },
        });

        // 20 packets are 20 requests: more than the bucket ever holds, refused whole before any unwrap.
        using (var content = Content(Frame([.. Enumerable.Range(0, 20).Select(_ => new byte[100])])))
        using (var response = await relay.Http.PostAsync("/v1/mix/batches", content))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Contains("rate_limited", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(new[] { 422, 422, 422, 422, 422 }, await PostAsync(relay.Http, [.. Enumerable.Range(0, 5).Select(_ => new byte[100])]));
    }

    [Fact]
    public async Task A_mix_killed_while_batches_pass_lets_no_packet_through_twice()
    {
        // 256 packets A → B held at A for up to 2.5 s each, posted in four batches; A is killed once B has
        // seen the first, some committed and forwarded, some committed and waiting, perhaps a batch cut.
        var packets = Enumerable.Range(0, 4 * MixBatch.MaxPackets).Select(i => Packet(delay: (uint)(i * 10))).ToList();
        var copies = packets.Select(p => p.ToArray()).ToList();
        var batches = packets.Chunk(MixBatch.MaxPackets).Select(batch => PostAsync(_mixes["a"].Http, batch)).ToList();
        Assert.True(await _mixes.CountAsync("b", "dropped_other_recipient", 1) >= 1);
        await _mixes.RestartAsync("a");
        var before = new List<int?>();
        foreach (var batch in batches)
        {
            int[]? statuses = null;
            try
            {
                statuses = await batch;
            }
            catch (HttpRequestException)
            {
                // Cut by the kill: its packets may or may not have been committed.
            }

            before.AddRange(statuses?.Select(s => (int?)s) ?? Enumerable.Repeat<int?>(null, MixBatch.MaxPackets));
        }

        // What B saw from A's first life (A is dead; B answered before counting, long done by now).
        long seen = await _mixes.CountAsync("b", "dropped_other_recipient", null);

        // Again, the same packets: every one A had accepted is refused now; only packets it never committed pass.
        var after = new List<int>();
        foreach (var batch in copies.Chunk(MixBatch.MaxPackets))
        {
            after.AddRange(await PostAsync(_mixes["a"].Http, batch));
        }

        for (int i = 0; i < packets.Count; i++)
        {
            Assert.True(after[i] is 202 or 409, $"packet {i}: {after[i]}");
            if (before[i] == 202)
            {
                Assert.Equal(409, after[i]);
            }
        }

        // B saw each packet at most once: had A forgotten the tag of a packet it forwarded, B would refuse the second copy as a replay.
        long accepted = after.Count(s => s == 202);
        Assert.True(accepted < packets.Count, "A had committed none before it was killed: the test did not cut anything");
        Assert.Equal(seen + accepted, await _mixes.CountAsync("b", "dropped_other_recipient", seen + accepted));
        Assert.Equal(0, await _mixes.CountAsync("b", "refused_replayed", 0));
    }

    private byte[] Packet(uint? delay = null)
    {
        var now = DateTimeOffset.UtcNow;
        var (a, b) = (_mixes["a"].Descriptor, _mixes["b"].Descriptor);
        return HandBuiltMix.Small.CreatePacket([new(a.NodeId, a.KeyAt(now).PublicKey, delay), new(b.NodeId, b.KeyAt(now).PublicKey, recipient: NoRelay)], RandomNumberGenerator.GetBytes(16));
    }

    private async Task AssertRefusedAsync(byte[] body, HttpStatusCode status, string error)
    {
        using var content = Content(body);
        using var response = await _mixes["a"].Http.PostAsync("/v1/mix/batches", content);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<int[]> PostAsync(HttpClient relay, IReadOnlyList<byte[]> packets)
    {
        using var content = Content(Frame(packets));
        using var response = await relay.PostAsync("/v1/mix/batches", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return MixBatch.DecodeStatuses(await response.Content.ReadAsByteArrayAsync(), packets.Count) ?? throw new InvalidOperationException("not one status per packet");
    }

    // Framed here, not by MixBatch.Encode, so that the wire format is checked as docs/relay-api.md gives it.
    private static byte[] Frame(IReadOnlyList<byte[]> packets)
    {
        var body = new List<byte>();
        foreach (var packet in packets)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, packet.Length);
            body.AddRange(length);
            body.AddRange(packet);
        }

        return [.. body];
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.courier.mix-batch");
        return content;
    }
}
