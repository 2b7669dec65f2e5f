namespace Courier.Mix.Tests;

/// <summary>Single-use reply blocks: created by one side, carried in a forward packet, used once by the other side.</summary>
public class SurbTests
{
    private static readonly Sphinx Sphinx = new(SphinxGeometry.Courier);
    private static readonly byte[] SurbId = [.. Enumerable.Range(0, 16).Select(i => (byte)(0x50 + i))];

    public static TheoryData<int, int> Paths()
    {
        var data = new TheoryData<int, int>();
        for (var hops = 1; hops <= 5; hops++)
        {
            data.Add(hops, 6 - hops);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_request_carries_a_surb_and_the_reply_comes_back_through_it(int forwardHops, int replyHops)
    {
        using var mixes = new Mixes();
        var (surb, keys) = Sphinx.CreateSurb(mixes.Path(replyHops, SurbId));
        using var _ = keys;
        Assert.Equal(Sphinx.Geometry.SurbLength, surb.Length);

        // The request: the SURB inside a forward packet, read at its last hop.
        var request = Sphinx.CreatePacket(mixes.Path(forwardHops), surb);
        var arrived = mixes.Route(Sphinx, request, forwardHops);
        var receivedSurb = request[arrived.Delivered][..Sphinx.Geometry.SurbLength];

        // The reply: built by the recipient from the SURB alone, sent to the hop the SURB names.
        var answer = "the answer comes back by the same couriers"u8.ToArray();
        var (reply, firstHop) = Sphinx.CreateReply(receivedSurb, answer);
        Assert.Equal(mixes.Ids[0], firstHop);
        Assert.Equal(Sphinx.Geometry.PacketLength, reply.Length);
        var delivered = mixes.Route(Sphinx, reply, replyHops);
        Assert.Equal(SurbId, delivered.Commands.SurbId);

        // The last hop delivers the payload still encrypted; only the SURB's creator reads it.
        var payload = reply[delivered.Delivered];
        Assert.Equal(Sphinx.Geometry.PayloadLength, payload.Length);
        Assert.Equal(-1, payload.AsSpan().IndexOf(answer));
        var message = Sphinx.DecryptReply(keys, payload);
        Assert.Equal(answer, message[..answer.Length]);
        Assert.All(message[answer.Length..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_surb_is_single_use_the_second_reply_is_a_replay()
    {
        using var mixes = new Mixes();
        var (surb, keys) = Sphinx.CreateSurb(mixes.Path(3, SurbId));
        using var _ = keys;
        mixes.Route(Sphinx, Sphinx.CreateReply(surb, [1]).Packet, 3);
        var second = Sphinx.CreateReply(surb, [2]).Packet;
        Assert.Equal(SphinxError.Replayed, Assert.Throws<SphinxException>(() => Sphinx.Unwrap(mixes.Keys[0], second, mixes.Tags[0])).Error);
    }

    [Fact]
    public void A_tagged_reply_is_detected_by_its_creator()
    {
        using var mixes = new Mixes();
        var (surb, keys) = Sphinx.CreateSurb(mixes.Path(2, SurbId));
        using var _ = keys;
        var reply = Sphinx.CreateReply(surb, [1, 2, 3]).Packet;
        reply[Sphinx.Geometry.HeaderLength + 900] ^= 0x04;
        var delivered = mixes.Route(Sphinx, reply, 2);
        Assert.Equal(SphinxError.InvalidPayload, Assert.Throws<SphinxException>(() => Sphinx.DecryptReply(keys, reply[delivered.Delivered])).Error);
    }

    [Fact]
    public void A_reply_read_with_another_surb_s_keys_fails()
    {
        using var mixes = new Mixes();
        var (surb, keys) = Sphinx.CreateSurb(mixes.Path(2, SurbId));
        var (_, otherKeys) = Sphinx.CreateSurb(mixes.Path(2, SurbId));
        using (keys)
        using (otherKeys)
        {
            var reply = Sphinx.CreateReply(surb, [1]).Packet;
            var delivered = mixes.Route(Sphinx, reply, 2);
            Assert.Equal(SphinxError.InvalidPayload, Assert.Throws<SphinxException>(() => Sphinx.DecryptReply(otherKeys, reply[delivered.Delivered])).Error);
            Assert.Equal([1], Sphinx.DecryptReply(keys, reply[delivered.Delivered])[..1]);
        }
    }

    [Fact]
    public void Bad_surbs_and_keys_get_typed_errors()
    {
        using var mixes = new Mixes();
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => Sphinx.CreateSurb(mixes.Path(2))).Error);
        Assert.Equal(SphinxError.WrongLength, Assert.Throws<SphinxException>(() => Sphinx.CreateReply(new byte[10], [1])).Error);
        var (surb, keys) = Sphinx.CreateSurb(mixes.Path(2, SurbId));
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => Sphinx.CreateReply(surb, new byte[2049])).Error);
        Assert.Equal(SphinxError.WrongLength, Assert.Throws<SphinxException>(() => Sphinx.DecryptReply(keys, new byte[5])).Error);
        keys.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Sphinx.DecryptReply(keys, new byte[Sphinx.Geometry.PayloadLength]));
    }
}
