using System.Text.Json;
using System.Text.Json.Nodes;
using Courier.TestKit;
using Courier.Vectors;

namespace Courier.Mix.Tests;

/// <summary>
/// Generates Courier's own vectors (TestVectors/courier) from fixed seeds through <see cref="SeededRandom"/>:
/// Lioness, and whole packets, forward and SURB replies of 1 to 5 hops, laid out as Katzenpost's
/// sphinx_vectors.json with the payloads that Katzenpost's AEZ layer keeps from being compared, plus
/// "Geometry", "Seed", "Delivered" (what the last hop delivers) and Courier's SurbKeys (176 bytes per key).
/// </summary>
internal static class OwnVectors
{
    public const string LionessFile = "lioness_vectors.json";
    public const string PacketsFile = "sphinx_packet_vectors.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Lioness()
    {
        var random = new SeededRandom("courier/lioness");
        var cases = new JsonArray();
        foreach (var length in new[] { 33, 64, 135, 1000, 2080 })
        {
            var key = Draw(random, Mix.Lioness.KeyMaterialLength);
            var plaintext = Draw(random, length);
            var ciphertext = plaintext.ToArray();
            Mix.Lioness.Encrypt(key, ciphertext);
            cases.Add(new JsonObject { ["Key"] = Hex(key), ["Plaintext"] = Hex(plaintext), ["Ciphertext"] = Hex(ciphertext) });
        }

        return cases.ToJsonString(Indented);
    }

    public static string Packets()
    {
        var cases = new JsonArray();
        foreach (var surb in new[] { false, true })
        {
            for (var hops = 1; hops <= 5; hops++)
            {
                cases.Add(Packet(SphinxGeometry.Katzenpost, hops, surb));
            }
        }

        cases.Add(Packet(SphinxGeometry.Courier, 5, surb: false));
        cases.Add(Packet(SphinxGeometry.Courier, 5, surb: true));
        // The small mix packet of relays and nodes (Courier.Relay.Client's MixMessages.SmallMessageLength, 6 KiB).
        var small = new SphinxGeometry(SphinxGeometry.HopLimit, 6 * 1024);
        cases.Add(Packet(small, 5, surb: false));
        cases.Add(Packet(small, 5, surb: true));
        return cases.ToJsonString(Indented);
    }

    private static JsonObject Packet(SphinxGeometry geometry, int hops, bool surb)
    {
        var seed = $"courier/sphinx/{geometry.MessageLength}/{(surb ? "surb" : "forward")}/{hops}";
        var random = new SeededRandom(seed);
        var sphinx = new Sphinx(geometry);
        var keys = Enumerable.Range(0, hops).Select(_ => MixPrivateKey.Generate(epoch: 0, random)).ToArray();
        try
        {
            var ids = Enumerable.Range(0, hops).Select(_ => Draw(random, SphinxGeometry.NodeIdLength)).ToArray();
            var recipient = Draw(random, SphinxGeometry.RecipientIdLength);
            var surbId = surb ? Draw(random, SphinxGeometry.SurbIdLength) : null;
            var message = Draw(random, geometry.MessageLength);
            var path = Enumerable.Range(0, hops).Select(i => i < hops - 1
                ? new PathHop(ids[i], keys[i].PublicKey.ToArray(), delay: (uint)(1000 * (i + 1)))
                : new PathHop(ids[i], keys[i].PublicKey.ToArray(), recipient: recipient, surbId: surbId)).ToList();

            byte[] packet;
            var result = new JsonObject
            {
                ["Geometry"] = new JsonObject { ["MaxHops"] = geometry.MaxHops, ["MessageLength"] = geometry.MessageLength },
                ["Seed"] = seed,
                ["Nodes"] = new JsonArray([.. Enumerable.Range(0, hops).Select(i => (JsonNode)new JsonObject { ["ID"] = Hex(ids[i]), ["PrivateKey"] = Hex(Scalar(keys[i])) })]),
                ["Path"] = new JsonArray([.. path.Select(hop => (JsonNode)new JsonObject { ["ID"] = Hex(hop.Id), ["PublicKey"] = Hex(hop.PublicKey), ["Commands"] = new JsonArray([.. CourierSphinxVectors.SenderCommands(hop.Delay, hop.Recipient, hop.SurbId).Select(c => (JsonNode)c)]) })]),
            };
            if (surb)
            {
                var (block, surbKeys) = sphinx.CreateSurb(path, random);
                using (surbKeys)
                {
                    packet = sphinx.CreateReply(block, message).Packet;
                    result["Surb"] = Hex(block);
                    result["SurbKeys"] = Hex(surbKeys.Material.ToArray());
                }
            }
            else
            {
                packet = sphinx.CreatePacket(path, message, random);
                result["Surb"] = "";
                result["SurbKeys"] = "";
            }

            var packets = new JsonArray { Hex(packet) };
            for (var i = 0; i < hops; i++)
            {
                var unwrapped = sphinx.Unwrap(keys[i], packet, new InMemoryReplayTags());
                packets.Add(i < hops - 1 ? Hex(packet) : "");
                if (i == hops - 1)
                {
                    result["Delivered"] = Hex(packet[unwrapped.Delivered]);
                }
            }

            result["Packets"] = packets;
            result["Payload"] = Hex(message);
            return result;
        }
        finally
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
    }

    private static byte[] Scalar(MixPrivateKey key) => key.Scalar.ToArray();

    private static byte[] Draw(SeededRandom random, int length)
    {
        var bytes = new byte[length];
        random.GetBytes(bytes);
        return bytes;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
