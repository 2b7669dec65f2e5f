namespace Courier.Mix.Tests;

/// <summary>Routing command encoding against Katzenpost's command vectors, and what the decoder refuses.</summary>
public class CommandTests
{
    [Fact]
    public void Each_command_encodes_as_katzenpost_s_vector()
    {
        using var document = Vectors.Load(Vectors.Katzenpost("sphinx_commands_vectors.json"));
        var vector = document.RootElement;
        Assert.Equal(vector.Hex("NextHopCmdWant"), Encoded(RoutingCommands.Create(nextHopId: vector.Hex("NextHopID"), nextHopMac: vector.Hex("NextHopMAC"))));
        Assert.Equal(vector.Hex("RecipientCmdWant"), Encoded(RoutingCommands.Create(recipient: vector.Hex("RecipientID"))));
        Assert.Equal(vector.Hex("SURBReplyCmdWant"), Encoded(RoutingCommands.Create(surbId: vector.Hex("SURBReplyID"))));
        Assert.Equal(vector.Hex("NodeDelayCmdWant"), Encoded(RoutingCommands.Create(delay: vector.GetProperty("NodeDelay").GetUInt32())));
    }

    [Fact]
    public void Each_vector_decodes_to_its_command()
    {
        using var document = Vectors.Load(Vectors.Katzenpost("sphinx_commands_vectors.json"));
        var vector = document.RootElement;
        var next = Decoded(vector.Hex("NextHopCmdWant"));
        Assert.Equal(vector.Hex("NextHopID"), next.NextHopId);
        Assert.Equal(vector.Hex("NextHopMAC"), next.NextHopMac);
        Assert.Equal(vector.Hex("RecipientID"), Decoded(vector.Hex("RecipientCmdWant")).Recipient);
        Assert.Equal(vector.Hex("SURBReplyID"), Decoded(vector.Hex("SURBReplyCmdWant")).SurbId);
        Assert.Equal(1234u, Decoded(vector.Hex("NodeDelayCmdWant")).Delay);
    }

    [Fact]
    public void All_four_round_trip_together()
    {
        var commands = RoutingCommands.Create(delay: 7, recipient: Filled(32, 1), surbId: Filled(16, 2));
        var again = Decoded(Encoded(commands));
        Assert.Equal(7u, again.Delay);
        Assert.Equal(Filled(32, 1), again.Recipient);
        Assert.Equal(Filled(16, 2), again.SurbId);
        Assert.True(again.IsLastHop);
    }

    [Theory]
    [InlineData("04")] // unknown
    [InlineData("7f")] // unknown, reserved range
    [InlineData("80000000018000000002")] // NodeDelay twice
    [InlineData("800000000100ff")] // padding not zero
    public void Malformed_blocks_are_refused(string hex)
    {
        var error = Assert.Throws<SphinxException>(() => Decoded(Convert.FromHexString(hex)));
        Assert.Equal(SphinxError.InvalidCommands, error.Error);
    }

    [Fact]
    public void A_command_cut_by_the_end_of_the_block_is_refused()
    {
        var block = new byte[SphinxGeometry.PerHopRoutingInfoLength];
        block[^5] = RoutingCommands.RecipientCommand;
        Assert.Equal(SphinxError.InvalidCommands, Assert.Throws<SphinxException>(() => RoutingCommands.Decode(block)).Error);
    }

    [Fact]
    public void Commands_that_do_not_fit_a_hop_are_refused_when_built()
    {
        Assert.Throws<ArgumentException>(() => RoutingCommands.Create(nextHopId: Filled(32, 1), nextHopMac: Filled(32, 2), recipient: Filled(32, 3)));
        Assert.Throws<ArgumentException>(() => RoutingCommands.Create(nextHopId: Filled(32, 1)));
        Assert.Throws<ArgumentException>(() => RoutingCommands.Create(surbId: Filled(15, 1)));
    }

    private static byte[] Encoded(RoutingCommands commands)
    {
        var block = new byte[SphinxGeometry.PerHopRoutingInfoLength];
        commands.Encode(block);
        var used = block.AsSpan().LastIndexOfAnyExcept((byte)0) + 1;
        Assert.All(block[used..], b => Assert.Equal(0, b));
        return block[..used];
    }

    private static RoutingCommands Decoded(byte[] command)
    {
        var block = new byte[SphinxGeometry.PerHopRoutingInfoLength];
        command.CopyTo(block, 0);
        return RoutingCommands.Decode(block);
    }

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
