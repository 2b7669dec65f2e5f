using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Courier.Frost.Tests.TestSupport;

namespace Courier.Frost.Tests;

/// <summary>Courier.Frost against @noble/curves' ed25519_FROST (interop/frost-noble): the same inputs give the same bytes.</summary>
public sealed class NobleTests
{
    [NobleFact]
    public void Shares_and_signatures_match_noble_on_random_inputs()
    {
        var random = Seeded(2026);
        foreach (var (min, max) in new[] { (2, 3), (3, 5), (3, 5), (4, 7), (7, 15) })
        {
            var dealt = TrustedDealer.Generate(min, max, random);
            var chosen = dealt.Shares.OrderBy(_ => RandomNumberGenerator.GetInt32(1000)).Take(min + RandomNumberGenerator.GetInt32(max - min + 1)).ToArray();
            SameAsNoble(dealt.PublicKeys, chosen, RandomNumberGenerator.GetBytes(1 + RandomNumberGenerator.GetInt32(300)));
        }
    }

    [NobleFact]
    public void Keys_dealt_by_noble_sign_alike_in_both()
    {
        var answer = Noble.Run(new JsonObject { ["op"] = "dealer", ["min"] = 3, ["max"] = 5, ["seed"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) });
        var (publicKeys, keys) = Import(answer.GetProperty("commitments"), answer.GetProperty("shares"), 3);
        foreach (var key in keys)
        {
            key.CheckAgainst(publicKeys);
        }

        SameAsNoble(publicKeys, [keys[4], keys[0], keys[2]], "bulletin 7"u8.ToArray());
    }

    /// <summary>Courier and noble each run both rounds on the same keys, nonce randomness and message; every byte must agree.</summary>
    internal static void SameAsNoble(PublicKeyPackage publicKeys, IReadOnlyList<KeyPackage> signers, byte[] message)
    {
        var randomness = signers.Select(_ => (Hiding: RandomNumberGenerator.GetBytes(32), Binding: RandomNumberGenerator.GetBytes(32))).ToArray();
        var nonces = signers.Select((k, i) => Signing.Commit(k, Replay(randomness[i].Hiding, randomness[i].Binding))).ToArray();
        var package = new SigningPackage(nonces.Select(n => n.Commitments), message);
        var shares = signers.Select((k, i) => Signing.Sign(package, nonces[i], k)).ToArray();
        var signature = Signing.Aggregate(package, shares, publicKeys);

        var request = new JsonObject
        {
            ["op"] = "sign",
            ["min"] = publicKeys.MinSigners,
            ["max"] = publicKeys.Participants.Count,
            ["commitments"] = Hexes(publicKeys.Commitment),
            ["participants"] = new JsonArray([.. publicKeys.Participants.Select(id => JsonValue.Create(Noble.Id(id)))]),
            ["signers"] = new JsonArray([.. signers.Select((k, i) => new JsonObject
            {
                ["identifier"] = Noble.Id(k.Identifier),
                ["signingShare"] = Convert.ToHexStringLower(k.SigningShare),
                ["hiding"] = Convert.ToHexStringLower(randomness[i].Hiding),
                ["binding"] = Convert.ToHexStringLower(randomness[i].Binding),
            })]),
            ["message"] = Convert.ToHexStringLower(message),
        };
        var noble = Noble.Run(request);
        foreach (var (k, i) in signers.Select((k, i) => (k, i)))
        {
            var theirs = noble.GetProperty("commitments").EnumerateArray().Single(c => c.GetProperty("identifier").GetString() == Noble.Id(k.Identifier));
            Assert.Equal(theirs.GetProperty("hiding").GetString(), Convert.ToHexStringLower(nonces[i].Commitments.HidingCommitment));
            Assert.Equal(theirs.GetProperty("binding").GetString(), Convert.ToHexStringLower(nonces[i].Commitments.BindingCommitment));
            Assert.Equal(noble.GetProperty("shares").GetProperty(Noble.Id(k.Identifier)).GetString(), Convert.ToHexStringLower(shares[i].Share));
        }

        Assert.Equal(noble.GetProperty("signature").GetString(), Convert.ToHexStringLower(signature));
        Assert.True(noble.GetProperty("verifies").GetBoolean());
        Assert.True(NSecVerifies(publicKeys.GroupPublicKey, message, signature));
    }

    /// <summary>Key material noble made, read through Courier's public serialization.</summary>
    internal static (PublicKeyPackage PublicKeys, KeyPackage[] Keys) Import(JsonElement commitments, JsonElement shares, int min)
    {
        var c = commitments.EnumerateArray().Select(e => Hex(e.GetString()!)).ToArray();
        var entries = shares.EnumerateObject().OrderBy(p => Identifier.Parse(Hex(p.Name))).ToArray();
        byte[] publicBytes = [1, 2, 0, (byte)min, 0, (byte)entries.Length, .. entries.SelectMany(p => Hex(p.Name)), .. c.SelectMany(x => x)];
        var keys = entries.Select(p => KeyPackage.Deserialize([1, 1, .. Hex(p.Name), .. Hex(p.Value.GetString()!), .. c[0], 0, (byte)min])).ToArray();
        return (PublicKeyPackage.Deserialize(publicBytes), keys);
    }

    internal static JsonArray Hexes(IEnumerable<byte[]> values) => new([.. values.Select(v => JsonValue.Create(Convert.ToHexStringLower(v)))]);
}
