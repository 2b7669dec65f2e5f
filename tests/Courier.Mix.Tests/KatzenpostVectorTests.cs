using System.Text.Json.Nodes;
using Courier.TestKit;
using Courier.Vectors;

namespace Courier.Mix.Tests;

/// <summary>
/// Katzenpost's published Sphinx vectors (read from ../shared/vectors/sphinx, with the parameters in its README.md):
/// 10 packets, forward and SURB replies, 1 to 5 hops, unwrapped hop by hop with each node's private key by
/// the checker that tools/Courier.Vectors runs (<see cref="KatzenpostSphinxVectors"/>).
/// </summary>
/// <remarks>
/// Compared byte for byte: every hop's header MAC check, the decrypted routing-command block (Courier's
/// encoding of what it read equals the block Katzenpost wrote), the NodeDelay, NextNodeHop id and MAC,
/// Recipient and SURBReply commands against the vector's Path, every forwarded header
/// (AD | blinded alpha | beta | gamma) against Packets[i+1]'s, and each SURB's header and first hop.
/// Not compared: the payload. Katzenpost's payload SPRP is AEZ v5, which Courier does not have (it uses
/// Lioness; AEZ is in neither libsodium nor the BCL), so Packets[i+1]'s payload, the delivered Payload and
/// SurbKeys (AEZ keys and IVs) cannot be reproduced. Courier's own vectors (OwnVectorTests) cover the
/// payload layer and whole packets.
/// </remarks>
public class KatzenpostVectorTests
{
    private static readonly Sphinx Katzenpost = new(SphinxGeometry.Katzenpost);

    [Fact]
    public void Every_hop_of_the_ten_vectors_gives_the_next_header_and_the_commands_byte_for_byte()
    {
        var report = VectorRunner.Run(new KatzenpostSphinxVectors(), Vectors.Katzenpost("sphinx_vectors.json"));
        Assert.True(report.Failed == 0, string.Join(Environment.NewLine, report.Failures.Prepend(report.ToString())));
        Assert.Equal((10, 0), (report.Passed, report.Skipped));
    }

    [Theory]
    [InlineData(2, 1, "Packets", 0, 300, "hop 0: refused (InvalidMac)")] // beta of the packet hop 0 receives
    [InlineData(7, 1, "Packets", 2, 300, "hop 1: forwarded header")] // beta of the header hop 1 should forward
    [InlineData(4, 1, "Path", 3, 0, "hop 3: NodeDelay")] // the delay the sender asked of hop 3
    [InlineData(9, 1, "Surb", 0, 480, "SURB first hop")]
    public void A_changed_vector_fails_at_the_right_place(int index, int expectedFailures, string field, int element, int byteOffset, string where)
    {
        var root = JsonNode.Parse(File.ReadAllText(Vectors.Katzenpost("sphinx_vectors.json")))!;
        var vector = root[index]!;
        if (field == "Path")
        {
            var command = vector["Path"]![element]!["Commands"]![0]!;
            command.ReplaceWith(FlipHexByte(command.GetValue<string>(), 4));
        }
        else if (field == "Surb")
        {
            vector["Surb"] = FlipHexByte(vector["Surb"]!.GetValue<string>(), byteOffset);
        }
        else
        {
            var packet = vector["Packets"]![element]!;
            packet.ReplaceWith(FlipHexByte(packet.GetValue<string>(), byteOffset));
        }

        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sphinx_vectors.json");
        File.WriteAllText(path, root.ToJsonString());
        var report = VectorRunner.Run(new KatzenpostSphinxVectors(), path);
        Assert.Equal(expectedFailures, report.Failed);
        Assert.Contains(where, Assert.Single(report.Failures), StringComparison.Ordinal);
    }

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, 10)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_public_unwrap_forwards_the_same_headers(int index)
    {
        using var document = Vectors.Load(Vectors.Katzenpost("sphinx_vectors.json"));
        var vector = document.RootElement[index];
        var packets = vector.GetProperty("Packets");
        var hops = vector.GetProperty("Path").GetArrayLength();
        var headerLength = Katzenpost.Geometry.HeaderLength;
        for (var i = 0; i < hops - 1; i++)
        {
            using var key = MixPrivateKey.Import(vector.GetProperty("Nodes")[i].Hex("PrivateKey"), epoch: 1);
            Assert.Equal(vector.GetProperty("Path")[i].Hex("PublicKey"), key.PublicKey.ToArray());
            var packet = packets[i].Hex();
            var result = Katzenpost.Unwrap(key, packet, new InMemoryReplayTags());
            Assert.False(result.Commands.IsLastHop);
            Assert.Equal(Convert.ToHexString(packets[i + 1].Hex(), 0, headerLength), Convert.ToHexString(packet, 0, headerLength));
        }
    }

    private static string FlipHexByte(string hex, int offset)
    {
        var bytes = Convert.FromHexString(hex);
        bytes[offset] ^= 0x01;
        return Convert.ToHexStringLower(bytes);
    }
}
