using CsCheck;

namespace Courier.Mix.Tests;

/// <summary>
/// A flipped bit anywhere in a packet is refused at the hop that sees it: a header bit by that hop's MAC
/// check, a payload bit by the last hop's tag check (through Lioness, which garbles the whole payload).
/// </summary>
public class RejectionTests
{
    private static readonly Sphinx Sphinx = new(new SphinxGeometry(5, 256));

    [Fact]
    public void Any_flipped_bit_is_refused_where_it_should_be()
    {
        using var mixes = new Mixes();
        var packets = Enumerable.Range(1, 5).Select(hops => Sphinx.CreatePacket(mixes.Path(hops), "flip me"u8)).ToArray();
        var geometry = Sphinx.Geometry;
        Gen.Select(Gen.Int[1, 5], Gen.Int[0, 4], Gen.Int[0, (geometry.PacketLength * 8) - 1]).Sample((hops, at, bit) =>
        {
            var flippedAt = at % hops;
            var packet = packets[hops - 1].ToArray();
            var (hop, error) = RouteWithFlip(mixes, packet, hops, flippedAt, bit);
            if (bit / 8 < geometry.HeaderLength)
            {
                Assert.Equal((flippedAt, SphinxError.InvalidMac), (hop, error));
            }
            else
            {
                Assert.Equal((hops - 1, SphinxError.InvalidPayload), (hop, error));
            }
        }, iter: 300);
    }

    [Theory]
    [InlineData(0)] // the version
    [InlineData(2)] // alpha
    [InlineData(33)] // alpha's last byte: X25519 ignores its top bit, the MAC does not
    [InlineData(100)] // beta
    [InlineData(450)] // gamma (444 to 476)
    public void Every_part_of_the_header_is_authenticated(int offset)
    {
        using var mixes = new Mixes();
        var packet = Sphinx.CreatePacket(mixes.Path(3), [1]);
        var bit = (offset * 8) + (offset == 33 ? 7 : 0);
        Assert.Equal((1, SphinxError.InvalidMac), RouteWithFlip(mixes, packet, 3, 1, bit));
    }

    [Fact]
    public void Random_bytes_are_refused_with_a_typed_error_never_a_crash()
    {
        using var mixes = new Mixes();
        Gen.Byte.Array[Sphinx.Geometry.PacketLength].Sample(packet =>
        {
            var error = Assert.Throws<SphinxException>(() => Sphinx.Unwrap(mixes.Keys[0], packet, mixes.Tags[0]));
            Assert.Contains(error.Error, new[] { SphinxError.InvalidMac, SphinxError.InvalidGroupElement });
        }, iter: 200);
    }

    [Fact]
    public void Any_command_block_decodes_or_is_refused_with_a_typed_error()
    {
        // The decoder sees attacker bytes only after the MAC, but must not crash on any block.
        byte[] codes = [0x00, 0x01, 0x02, 0x03, 0x80];
        Gen.Select(Gen.Byte.Array[SphinxGeometry.PerHopRoutingInfoLength], Gen.Int[0, 4], Gen.Int[0, 4], Gen.Int[1, 80]).Sample((block, first, second, at) =>
        {
            // Known codes at the start and somewhere after it, so that every command's parser runs.
            block[0] = codes[first];
            block[at] = codes[second];
            try
            {
                RoutingCommands.Decode(block);
            }
            catch (SphinxException e)
            {
                Assert.Equal(SphinxError.InvalidCommands, e.Error);
            }
        }, iter: 2000);
    }

    // Routes a packet, flipping one bit just before hop flippedAt; where and why it was refused.
    private static (int Hop, SphinxError Error) RouteWithFlip(Mixes mixes, byte[] packet, int hops, int flippedAt, int bit)
    {
        for (var i = 0; i < hops; i++)
        {
            if (i == flippedAt)
            {
                packet[bit / 8] ^= (byte)(1 << (bit % 8));
            }

            try
            {
                // Fresh replay tags: one packet is routed many times by this test.
                Sphinx.Unwrap(mixes.Keys[i], packet, new Courier.TestKit.InMemoryReplayTags());
            }
            catch (SphinxException e)
            {
                return (i, e.Error);
            }
        }

        return (-1, default);
    }
}
