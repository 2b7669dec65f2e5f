using System.Buffers.Binary;
using System.Text.Json;
using Courier.Mix;
using Courier.Mls.Crypto;

namespace Courier.Vectors;

/// <summary>
/// Katzenpost's sphinx_vectors.json (core/sphinx/testdata; parameters in ../shared/vectors/sphinx/README.md):
/// each case unwrapped hop by hop with each node's private key, in the geometry of 5 hops and 103-byte messages.
/// </summary>
/// <remarks>
/// Compared byte for byte: each hop's MAC check, the decrypted command block against Courier's encoding of
/// the commands read from it, NodeDelay, NextNodeHop (id and the next header's MAC), Recipient and SURBReply
/// against the case's Path, every forwarded header against Packets[i+1]'s, and a SURB's header and first hop
/// against the reply packet. Not compared: payloads and SurbKeys. Katzenpost's payload cipher is AEZ v5,
/// which Courier does not have (Courier.Mix uses Lioness), so no payload byte can be reproduced; Courier's
/// own vectors (<see cref="CourierSphinxVectors"/>) cover payloads and whole packets.
/// </remarks>
public sealed class KatzenpostSphinxVectors : VectorFile
{
    private static readonly Sphinx Sphinx = new(SphinxGeometry.Katzenpost);

    /// <inheritdoc/>
    public override string FileName => "sphinx_vectors.json";

    /// <inheritdoc/>
    public override bool PerSuite => false;

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var geometry = Sphinx.Geometry;
        var nodes = testCase.GetProperty("Nodes");
        var path = testCase.GetProperty("Path");
        var packets = testCase.GetProperty("Packets");
        var hops = path.GetArrayLength();
        var surb = Expect.Hex(testCase, "Surb");
        Expect.Equal(hops + 1, packets.GetArrayLength(), "packets");
        if (surb.Length > 0)
        {
            // Katzenpost's SURB ends with a 64-byte AEZ key and IV (Courier's with 176 bytes of Lioness key material).
            Expect.Equal(geometry.HeaderLength + SphinxGeometry.NodeIdLength + 64, surb.Length, "SURB length");
            Expect.Equal(Hex(packets[0]).AsSpan(0, geometry.HeaderLength), surb.AsSpan(0, geometry.HeaderLength), "SURB header");
            Expect.Equal(Expect.Hex(path[0], "ID"), surb.AsSpan(geometry.HeaderLength, SphinxGeometry.NodeIdLength).ToArray(), "SURB first hop");
        }

        for (var i = 0; i < hops; i++)
        {
            var hop = i;
            AtHop(hop, () => CheckHop(hop, nodes, path, packets, hops));
        }
    }

    /// <summary>Runs one hop's check; a refusal by Courier.Mix becomes a mismatch that names the hop.</summary>
    internal static void AtHop(int hop, Action check)
    {
        try
        {
            check();
        }
        catch (SphinxException e)
        {
            throw new VectorMismatchException($"hop {hop}: refused ({e.Error}): {e.Message}");
        }
    }

    private static void CheckHop(int i, JsonElement nodes, JsonElement path, JsonElement packets, int hops)
    {
        var geometry = Sphinx.Geometry;
        var packet = Hex(packets[i]);
        Expect.Equal(geometry.PacketLength, packet.Length, $"hop {i}: packet length");
        var header = packet.AsSpan(0, geometry.HeaderLength).ToArray();
        var keys = new byte[SphinxCrypto.KeysLength];
        Sphinx.Authenticate(Expect.Hex(nodes[i], "PrivateKey"), header, keys, new byte[SphinxCrypto.ReplayTagLength]);

        // The command block as Katzenpost encrypted it, decrypted apart from Advance.
        var routing = new byte[geometry.RoutingInfoLength + SphinxGeometry.PerHopRoutingInfoLength];
        header.AsSpan(geometry.BetaOffset, geometry.RoutingInfoLength).CopyTo(routing);
        SphinxCrypto.HeaderStreamXor(keys, routing);
        var commands = Sphinx.Advance(header, keys);
        var encoded = new byte[SphinxGeometry.PerHopRoutingInfoLength];
        commands.Encode(encoded);
        Expect.Equal(routing.AsSpan(0, SphinxGeometry.PerHopRoutingInfoLength), encoded, $"hop {i}: command block");

        var asked = path[i].GetProperty("Commands").EnumerateArray().Select(Hex).ToList();
        Expect.Equal(asked.Count, (commands.Delay is null ? 0 : 1) + (commands.Recipient is null ? 0 : 1) + (commands.SurbId is null ? 0 : 1), $"hop {i}: number of commands");
        foreach (var command in asked)
        {
            switch (command[0])
            {
                case RoutingCommands.NodeDelay:
                    Expect.Equal((uint?)BinaryPrimitives.ReadUInt32BigEndian(command.AsSpan(1)), commands.Delay, $"hop {i}: NodeDelay");
                    break;
                case RoutingCommands.RecipientCommand:
                    Expect.Equal(command.AsSpan(1), commands.Recipient, $"hop {i}: Recipient");
                    break;
                case RoutingCommands.SurbReply:
                    Expect.Equal(command.AsSpan(1), commands.SurbId, $"hop {i}: SURBReply");
                    break;
                default:
                    throw new VectorMismatchException($"hop {i}: unexpected command 0x{command[0]:x2} in the vector");
            }
        }

        Expect.Equal(i == hops - 1, commands.IsLastHop, $"hop {i}: last hop");
        if (i < hops - 1)
        {
            var next = Hex(packets[i + 1]);
            Expect.Equal(Expect.Hex(path[i + 1], "ID"), commands.NextHopId!, $"hop {i}: NextNodeHop id");
            Expect.Equal(next.AsSpan(geometry.GammaOffset, SphinxGeometry.MacLength), commands.NextHopMac, $"hop {i}: NextNodeHop MAC");
            Expect.Equal(next.AsSpan(0, geometry.HeaderLength), header, $"hop {i}: forwarded header");
        }
    }

    internal static byte[] Hex(JsonElement element) => Convert.FromHexString(element.GetString()!);
}

/// <summary>
/// Courier's own sphinx_packet_vectors.json (tests/Courier.Mix.Tests/TestVectors/courier): Katzenpost's layout
/// plus Geometry and Delivered, Lioness payloads. Every hop through the public Unwrap gives Packets[i+1] whole
/// (header and payload) and the case's commands; the last hop delivers the message, or for a SURB reply the
/// payload that SurbKeys decrypts to it; a reply built from the SURB and the message is Packets[0].
/// </summary>
public sealed class CourierSphinxVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "sphinx_packet_vectors.json";

    /// <inheritdoc/>
    public override bool PerSuite => false;

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var geometry = testCase.GetProperty("Geometry");
        var sphinx = new Sphinx(new SphinxGeometry(geometry.GetProperty("MaxHops").GetInt32(), geometry.GetProperty("MessageLength").GetInt32()));
        var packets = testCase.GetProperty("Packets");
        var surb = Expect.Hex(testCase, "Surb");
        if (surb.Length > 0)
        {
            Expect.Equal(KatzenpostSphinxVectors.Hex(packets[0]), sphinx.CreateReply(surb, Expect.Hex(testCase, "Payload")).Packet, "reply built from the SURB");
        }

        // Unwrap works in place: packet becomes what each hop forwards.
        var packet = KatzenpostSphinxVectors.Hex(packets[0]);
        var hops = testCase.GetProperty("Path").GetArrayLength();
        for (var i = 0; i < hops; i++)
        {
            var hop = i;
            KatzenpostSphinxVectors.AtHop(hop, () => CheckHop(hop, hops, sphinx, testCase, packet));
        }
    }

    private static void CheckHop(int i, int hops, Sphinx sphinx, JsonElement testCase, byte[] packet)
    {
        var path = testCase.GetProperty("Path");
        using var key = MixPrivateKey.Import(Expect.Hex(testCase.GetProperty("Nodes")[i], "PrivateKey"), epoch: 0);
        Expect.Equal(Expect.Hex(path[i], "PublicKey"), key.PublicKey, $"hop {i}: public key");
        var result = sphinx.Unwrap(key, packet, new OnePacket());
        var asked = path[i].GetProperty("Commands").EnumerateArray().Select(c => c.GetString());
        var got = SenderCommands(result.Commands.Delay, result.Commands.Recipient, result.Commands.SurbId);
        Expect.Equal(string.Join(",", asked), string.Join(",", got), $"hop {i}: commands");
        if (i < hops - 1)
        {
            Expect.Equal(Expect.Hex(path[i + 1], "ID"), result.Commands.NextHopId!, $"hop {i}: NextNodeHop id");
            Expect.Equal(KatzenpostSphinxVectors.Hex(testCase.GetProperty("Packets")[i + 1]), packet, $"hop {i}: forwarded packet");
            return;
        }

        var delivered = packet[result.Delivered];
        Expect.Equal(Expect.Hex(testCase, "Delivered"), delivered, $"hop {i}: delivered");
        var message = Expect.Hex(testCase, "Payload");
        if (result.Commands.SurbId is null)
        {
            Expect.Equal(message, delivered, "message");
            return;
        }

        using var keys = SurbKeys.FromMaterial(result.Commands.SurbId, Expect.Hex(testCase, "SurbKeys"));
        try
        {
            Expect.Equal(message, sphinx.DecryptReply(keys, delivered), "reply message");
        }
        catch (SphinxException e)
        {
            throw new VectorMismatchException($"reply message: refused ({e.Error}): {e.Message}");
        }
    }

    /// <summary>A hop's sender-set commands as the vectors list them: each encoded alone in hex, NextNodeHop left out.</summary>
    public static IReadOnlyList<string> SenderCommands(uint? delay, byte[]? recipient, byte[]? surbId)
    {
        var list = new List<string>();
        if (delay is { } value)
        {
            list.Add($"80{value:x8}");
        }

        if (recipient is not null)
        {
            list.Add("02" + Convert.ToHexStringLower(recipient));
        }

        if (surbId is not null)
        {
            list.Add("03" + Convert.ToHexStringLower(surbId));
        }

        return list;
    }

    // Each hop sees each vector packet once: any tag is new.
    private sealed class OnePacket : IReplayTags
    {
        public bool TryAdd(ulong epoch, ReadOnlySpan<byte> tag) => true;

        public void ForgetBefore(ulong epoch)
        {
        }
    }
}

/// <summary>Courier's own lioness_vectors.json: LIONESS-BLAKE2b-ChaCha20 encryption and decryption of each case.</summary>
public sealed class LionessVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "lioness_vectors.json";

    /// <inheritdoc/>
    public override bool PerSuite => false;

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var key = Expect.Hex(testCase, "Key");
        var block = Expect.Hex(testCase, "Plaintext");
        Lioness.Encrypt(key, block);
        Expect.Equal(Expect.Hex(testCase, "Ciphertext"), block, "ciphertext");
        Lioness.Decrypt(key, block);
        Expect.Equal(Expect.Hex(testCase, "Plaintext"), block, "plaintext");
    }
}
