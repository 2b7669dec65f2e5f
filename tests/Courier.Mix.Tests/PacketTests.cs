namespace Courier.Mix.Tests;

/// <summary>Forward packets built and unwrapped along paths of 1 to 5 hops.</summary>
public class PacketTests
{
    public static TheoryData<int> Hops() => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Hops))]
    public void A_forward_packet_delivers_its_message_at_the_last_hop(int hops)
    {
        var sphinx = new Sphinx(SphinxGeometry.Courier);
        using var mixes = new Mixes();
        var message = "a letter passed from hand to hand"u8.ToArray();
        var packet = sphinx.CreatePacket(mixes.Path(hops), message);
        Assert.Equal(sphinx.Geometry.PacketLength, packet.Length);

        var result = mixes.Route(sphinx, packet, hops);
        Assert.Null(result.Commands.SurbId);
        var delivered = packet[result.Delivered];
        Assert.Equal(sphinx.Geometry.MessageLength, delivered.Length);
        Assert.Equal(message, delivered[..message.Length]);
        Assert.All(delivered[message.Length..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Packets_are_the_same_length_whatever_the_path_and_the_position()
    {
        var sphinx = new Sphinx(SphinxGeometry.Courier);
        using var mixes = new Mixes();
        Assert.Equal(476 + 32 + 2048, sphinx.Geometry.PacketLength);
        Assert.Equal(611, SphinxGeometry.Katzenpost.PacketLength);
        foreach (var hops in new[] { 1, 3, 5 })
        {
            var packet = sphinx.CreatePacket(mixes.Path(hops), [1, 2, 3]);
            Assert.Equal(sphinx.Geometry.PacketLength, packet.Length);
        }
    }

    [Fact]
    public void A_packet_unwrapped_by_a_mix_not_on_its_path_fails_the_mac()
    {
        var sphinx = new Sphinx(SphinxGeometry.Courier);
        using var mixes = new Mixes();
        var packet = sphinx.CreatePacket(mixes.Path(3), [1]);
        var error = Assert.Throws<SphinxException>(() => sphinx.Unwrap(mixes.Keys[1], packet, mixes.Tags[1]));
        Assert.Equal(SphinxError.InvalidMac, error.Error);
    }

    [Fact]
    public void The_same_message_makes_unlinkable_packets()
    {
        // Fresh ephemeral keys: two packets of one message on one path share no header bytes beyond the version.
        var sphinx = new Sphinx(SphinxGeometry.Courier);
        using var mixes = new Mixes();
        var first = sphinx.CreatePacket(mixes.Path(3), [9, 9, 9]);
        var second = sphinx.CreatePacket(mixes.Path(3), [9, 9, 9]);
        Assert.Equal(first[..2], second[..2]);
        var same = first.Zip(second).Skip(2).Count(p => p.First == p.Second);
        Assert.True(same < first.Length / 100, $"{same} equal bytes");
    }

    [Fact]
    public void Bad_inputs_get_typed_errors()
    {
        var sphinx = new Sphinx(SphinxGeometry.Courier);
        using var mixes = new Mixes();
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => sphinx.CreatePacket([], [1])).Error);
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => sphinx.CreatePacket([.. mixes.Path(5), .. mixes.Path(1)], [1])).Error);
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => sphinx.CreatePacket(mixes.Path(2), new byte[2049])).Error);
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => sphinx.CreatePacket(mixes.Path(2, surbId: new byte[16]), [1])).Error);
        var recipientInTheMiddle = new List<PathHop> { new(mixes.Ids[0], mixes.Keys[0].PublicKey.ToArray(), recipient: new byte[32]), new(mixes.Ids[1], mixes.Keys[1].PublicKey.ToArray()) };
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => sphinx.CreatePacket(recipientInTheMiddle, [1])).Error);
        var lowOrder = new List<PathHop> { new(mixes.Ids[0], new byte[32]) };
        Assert.Equal(SphinxError.InvalidPath, Assert.Throws<SphinxException>(() => sphinx.CreatePacket(lowOrder, [1])).Error);
        Assert.Equal(SphinxError.WrongLength, Assert.Throws<SphinxException>(() => sphinx.Unwrap(mixes.Keys[0], new byte[100], mixes.Tags[0])).Error);
        var disposed = MixPrivateKey.Generate(1);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sphinx.Unwrap(disposed, new byte[sphinx.Geometry.PacketLength], mixes.Tags[0]));
    }

    [Fact]
    public void A_low_order_group_element_is_refused_before_anything_else()
    {
        var sphinx = new Sphinx(SphinxGeometry.Courier);
        using var mixes = new Mixes();
        var packet = new byte[sphinx.Geometry.PacketLength];
        Assert.Equal(SphinxError.InvalidGroupElement, Assert.Throws<SphinxException>(() => sphinx.Unwrap(mixes.Keys[0], packet, mixes.Tags[0])).Error);
    }
}
