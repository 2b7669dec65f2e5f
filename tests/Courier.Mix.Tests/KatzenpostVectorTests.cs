using System.Buffers.Binary;
using System.Text.Json;
using Courier.TestKit;

namespace Courier.Mix.Tests;

/// <summary>
/// Katzenpost's published Sphinx vectors (TestVectors/katzenpost, parameters in ../shared/vectors/sphinx/README.md):
/// 10 packets, forward and SURB replies, 1 to 5 hops, unwrapped hop by hop with each node's private key.
/// </summary>
/// <remarks>
/// Compared byte for byte: every hop's header MAC check, the decrypted routing commands (re-encoded by
/// Courier, they equal the block Katzenpost wrote), the NodeDelay, NextNodeHop id and MAC, Recipient and
/// SURBReply commands, and every forwarded header (AD | alpha blinded | beta | gamma) against
/// Packets[i+1]; for SURB vectors, the SURB's header and first hop against the reply packet.
/// Not compared: the payload. Katzenpost's payload SPRP is AEZ v5, which Courier does not have (it uses
/// Lioness; the README of the vectors explains AEZ is in neither libsodium nor the BCL), so Packets[i+1]'s
/// payload, the delivered Payload, and SurbKeys (AEZ keys and IVs) cannot be reproduced. Courier's own
/// vectors (OwnVectorTests) cover the payload layer and whole packets.
/// </remarks>
public class KatzenpostVectorTests
{
    private static readonly Sphinx Katzenpost = new(SphinxGeometry.Katzenpost);

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, 10)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_hop_gives_the_next_header_and_the_commands_byte_for_byte(int index)
    {
        using var document = Vectors.Load("katzenpost", "sphinx_vectors.json");
        var vector = document.RootElement[index];
        var nodes = vector.GetProperty("Nodes");
        var path = vector.GetProperty("Path");
        var packets = vector.GetProperty("Packets");
        var hops = path.GetArrayLength();
        var isSurb = vector.GetProperty("Surb").GetString()!.Length > 0;
        Assert.Equal(index < 5 ? index + 1 : index - 4, hops);
        Assert.Equal(hops + 1, packets.GetArrayLength());
        Assert.Equal("", packets[hops].GetString());

        var geometry = Katzenpost.Geometry;
        for (var i = 0; i < hops; i++)
        {
            var packet = packets[i].Hex();
            Assert.Equal(geometry.PacketLength, packet.Length);
            var header = packet.AsSpan(0, geometry.HeaderLength).ToArray();
            var keys = new byte[SphinxCrypto.KeysLength];
            var tag = new byte[SphinxCrypto.ReplayTagLength];
            Katzenpost.Authenticate(nodes[i].Hex("PrivateKey"), header, keys, tag);

            // The block Katzenpost encrypted for this hop, decrypted here independently of Advance.
            var routing = new byte[geometry.RoutingInfoLength + SphinxGeometry.PerHopRoutingInfoLength];
            header.AsSpan(geometry.BetaOffset, geometry.RoutingInfoLength).CopyTo(routing);
            SphinxCrypto.HeaderStreamXor(keys, routing);
            var block = routing.AsSpan(0, SphinxGeometry.PerHopRoutingInfoLength).ToArray();

            var commands = Katzenpost.Advance(header, keys);
            var reencoded = new byte[SphinxGeometry.PerHopRoutingInfoLength];
            commands.Encode(reencoded);
            Assert.Equal(Convert.ToHexString(block), Convert.ToHexString(reencoded));

            var asked = path[i].GetProperty("Commands").EnumerateArray().Select(c => c.Hex()).ToList();
            if (i < hops - 1)
            {
                var next = packets[i + 1].Hex();
                Assert.False(commands.IsLastHop);
                Assert.Equal(path[i + 1].Hex("ID"), commands.NextHopId);
                Assert.Equal(next.AsSpan(geometry.GammaOffset, SphinxGeometry.MacLength).ToArray(), commands.NextHopMac);
                var delay = Assert.Single(asked);
                Assert.Equal(RoutingCommands.NodeDelay, delay[0]);
                Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(delay.AsSpan(1)), commands.Delay);
                Assert.Null(commands.Recipient);
                Assert.Null(commands.SurbId);
                Assert.Equal(Convert.ToHexString(next, 0, geometry.HeaderLength), Convert.ToHexString(header));
            }
            else
            {
                Assert.True(commands.IsLastHop);
                Assert.Null(commands.Delay);
                Assert.Equal(isSurb ? 2 : 1, asked.Count);
                Assert.Equal(RoutingCommands.RecipientCommand, asked[0][0]);
                Assert.Equal(asked[0][1..], commands.Recipient);
                if (isSurb)
                {
                    Assert.Equal(RoutingCommands.SurbReply, asked[1][0]);
                    Assert.Equal(asked[1][1..], commands.SurbId);
                }
                else
                {
                    Assert.Null(commands.SurbId);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_public_unwrap_forwards_the_same_headers(int index)
    {
        using var document = Vectors.Load("katzenpost", "sphinx_vectors.json");
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

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_surb_is_the_reply_header_and_the_first_hop(int index)
    {
        using var document = Vectors.Load("katzenpost", "sphinx_vectors.json");
        var vector = document.RootElement[index];
        var surb = vector.Hex("Surb");
        if (index < 5)
        {
            Assert.Empty(surb);
            return;
        }

        // Katzenpost's SURB carries a 64-byte AEZ key and IV where Courier's carries 176 bytes of Lioness key material.
        var geometry = Katzenpost.Geometry;
        Assert.Equal(geometry.HeaderLength + SphinxGeometry.NodeIdLength + 64, surb.Length);
        Assert.Equal(vector.GetProperty("Packets")[0].Hex().AsSpan(0, geometry.HeaderLength).ToArray(), surb.AsSpan(0, geometry.HeaderLength).ToArray());
        Assert.Equal(vector.GetProperty("Path")[0].Hex("ID"), surb.AsSpan(geometry.HeaderLength, SphinxGeometry.NodeIdLength).ToArray());
    }

    [Fact]
    public void A_changed_byte_of_a_vector_fails_its_hop()
    {
        // The comparison above can fail: the first packet of the 3-hop vector with one bit of beta flipped.
        using var document = Vectors.Load("katzenpost", "sphinx_vectors.json");
        var vector = document.RootElement[2];
        var header = vector.GetProperty("Packets")[0].Hex().AsSpan(0, Katzenpost.Geometry.HeaderLength).ToArray();
        header[Katzenpost.Geometry.BetaOffset + 7] ^= 0x10;
        var error = Assert.Throws<SphinxException>(() => Katzenpost.Authenticate(vector.GetProperty("Nodes")[0].Hex("PrivateKey"), header, new byte[SphinxCrypto.KeysLength], new byte[SphinxCrypto.ReplayTagLength]));
        Assert.Equal(SphinxError.InvalidMac, error.Error);
    }
}
