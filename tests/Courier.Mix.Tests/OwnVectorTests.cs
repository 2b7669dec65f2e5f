using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Courier.Mix.Tests;

/// <summary>
/// Courier's own vectors (TestVectors/courier): regenerated from their seeds they are unchanged, and each
/// is checked as a second implementation would: every hop of every packet, header and payload byte for byte.
/// Set COURIER_MIX_WRITE_VECTORS=1 to rewrite the files after a deliberate format change.
/// </summary>
public class OwnVectorTests
{
    [Theory]
    [InlineData(OwnVectors.LionessFile)]
    [InlineData(OwnVectors.PacketsFile)]
    public void Regenerating_from_the_seeds_gives_the_stored_files(string fileName)
    {
        var generated = fileName == OwnVectors.LionessFile ? OwnVectors.Lioness() : OwnVectors.Packets();
        if (Environment.GetEnvironmentVariable("COURIER_MIX_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "TestVectors", "courier", fileName), generated);
        }

        Assert.Equal(File.ReadAllText(Vectors.Path("courier", fileName)), generated);
    }

    [Fact]
    public void Lioness_vectors_encrypt_and_decrypt()
    {
        using var document = Vectors.Load("courier", OwnVectors.LionessFile);
        Assert.Equal(5, document.RootElement.GetArrayLength());
        foreach (var vector in document.RootElement.EnumerateArray())
        {
            var block = vector.Hex("Plaintext");
            Lioness.Encrypt(vector.Hex("Key"), block);
            Assert.Equal(vector.Hex("Ciphertext"), block);
            Lioness.Decrypt(vector.Hex("Key"), block);
            Assert.Equal(vector.Hex("Plaintext"), block);
        }
    }

    public static TheoryData<int> PacketCases() => [.. Enumerable.Range(0, 12)];

    [Theory]
    [MemberData(nameof(PacketCases))]
    public void Every_hop_of_every_packet_vector_gives_the_next_packet_and_the_message(int index)
    {
        using var document = Vectors.Load("courier", OwnVectors.PacketsFile);
        Assert.Equal(12, document.RootElement.GetArrayLength());
        var vector = document.RootElement[index];
        var geometry = vector.GetProperty("Geometry");
        var sphinx = new Sphinx(new SphinxGeometry(geometry.GetProperty("MaxHops").GetInt32(), geometry.GetProperty("MessageLength").GetInt32()));
        var nodes = vector.GetProperty("Nodes");
        var path = vector.GetProperty("Path");
        var packets = vector.GetProperty("Packets");
        var hops = path.GetArrayLength();
        var surb = vector.Hex("Surb");
        if (surb.Length > 0)
        {
            // A reply has no randomness of its own: the SURB and the message give Packets[0].
            Assert.Equal(packets[0].Hex(), sphinx.CreateReply(surb, vector.Hex("Payload")).Packet);
        }

        var packet = packets[0].Hex();
        for (var i = 0; i < hops; i++)
        {
            using var key = MixPrivateKey.Import(nodes[i].Hex("PrivateKey"), epoch: 0);
            Assert.Equal(path[i].Hex("PublicKey"), key.PublicKey.ToArray());
            var result = sphinx.Unwrap(key, packet, new Courier.TestKit.InMemoryReplayTags());
            var asked = path[i].GetProperty("Commands").EnumerateArray().Select(c => Convert.ToHexStringLower(c.Hex())).ToList();
            Assert.Equal(asked, OwnVectors.Commands(result.Commands.Delay, result.Commands.Recipient, result.Commands.SurbId));
            if (i < hops - 1)
            {
                Assert.Equal(path[i + 1].Hex("ID"), result.Commands.NextHopId);
                Assert.Equal(packets[i + 1].Hex(), packet);
                continue;
            }

            Assert.Equal(vector.Hex("Delivered"), packet[result.Delivered]);
            if (surb.Length == 0)
            {
                Assert.Equal(vector.Hex("Payload"), packet[result.Delivered]);
            }
            else
            {
                using var keys = SurbKeys.FromMaterial(result.Commands.SurbId!, vector.Hex("SurbKeys"));
                Assert.Equal(vector.Hex("Payload"), sphinx.DecryptReply(keys, packet[result.Delivered]));
            }
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
