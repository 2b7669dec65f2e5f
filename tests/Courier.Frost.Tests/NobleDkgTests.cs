using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Courier.Frost.Tests;

/// <summary>One DKG among five, three run by Courier and two by @noble/curves: everyone ends with the same public key package.</summary>
public sealed class NobleDkgTests
{
    [NobleFact]
    public void A_mixed_dkg_agrees_and_signs_in_both()
    {
        const int min = 3, max = 5;
        var courier = Enumerable.Range(1, 3).Select(i => DkgParticipant.Start(Identifier.FromNumber(i), min, max)).ToArray();
        var seeds = new JsonObject
        {
            [Noble.Id(Identifier.FromNumber(4))] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            [Noble.Id(Identifier.FromNumber(5))] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        };
        var nobleRound1 = Noble.Run(new JsonObject { ["op"] = "dkg1", ["min"] = min, ["max"] = max, ["seeds"] = seeds.DeepClone() }).GetProperty("round1");
        var nobleCommitments = nobleRound1.EnumerateArray().Select(FromNoble).ToArray();
        var all = courier.Select(p => p.Commitment).Concat(nobleCommitments).ToArray();

        // Courier's round two checks noble's proofs; its shares for 4 and 5 go to noble.
        var courierShares = courier.SelectMany(p => p.Round2(all.Where(c => !c.Identifier.Equals(p.Identifier)))).ToArray();
        var toNoble = courierShares.Where(s => s.To.CompareTo(Identifier.FromNumber(3)) > 0)
            .Select(s => (JsonNode)new JsonObject { ["from"] = Noble.Id(s.From), ["to"] = Noble.Id(s.To), ["share"] = Convert.ToHexStringLower(s.Value) });
        var answer = Noble.Run(new JsonObject
        {
            ["op"] = "dkg2",
            ["min"] = min,
            ["max"] = max,
            ["seeds"] = seeds.DeepClone(),
            ["round1"] = new JsonArray([.. all.Select(ToNoble)]),
            ["round2"] = new JsonArray([.. toNoble]),
        });
        var fromNoble = answer.GetProperty("round2").EnumerateArray()
            .Select(s => SecretShare.Deserialize([1, 8, .. Hex(s, "from"), .. Hex(s, "to"), .. Hex(s, "share")])).ToArray();

        var results = courier.Select(p => p.Finish(courierShares.Concat(fromNoble).Where(s => s.To.Equals(p.Identifier)))).ToArray();
        var publicKeys = results[0].PublicKeys;
        var nobleKeys = answer.GetProperty("keys");
        foreach (var key in nobleKeys.EnumerateObject())
        {
            Assert.Equal(publicKeys.Commitment.Select(Convert.ToHexStringLower), key.Value.GetProperty("commitments").EnumerateArray().Select(e => e.GetString()!));
            foreach (var id in publicKeys.Participants)
            {
                Assert.Equal(Convert.ToHexStringLower(publicKeys.VerifyingShare(id)), key.Value.GetProperty("verifyingShares").GetProperty(Noble.Id(id)).GetString());
            }
        }

        // Courier members 1 and 3 with noble's member 5 (its share read through Courier's format).
        var shareOf5 = nobleKeys.GetProperty(Noble.Id(Identifier.FromNumber(5))).GetProperty("signingShare").GetString()!;
        var five = KeyPackage.Deserialize([1, 1, .. Identifier.FromNumber(5).ToBytes(), .. Convert.FromHexString(shareOf5), .. publicKeys.GroupPublicKey, 0, min]);
        five.CheckAgainst(publicKeys);
        NobleTests.SameAsNoble(publicKeys, [results[0].Key, results[2].Key, five], "mixed council"u8.ToArray());
    }

    private static byte[] Hex(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!);

    // noble's round-one package as Courier's DkgCommitment: version | kind 7 | id | u16 t | commitments | R || z.
    private static DkgCommitment FromNoble(JsonElement p)
    {
        var commitment = p.GetProperty("commitment").EnumerateArray().Select(c => Convert.FromHexString(c.GetString()!)).ToArray();
        return DkgCommitment.Deserialize([1, 7, .. Hex(p, "identifier"), 0, (byte)commitment.Length, .. commitment.SelectMany(c => c), .. Hex(p, "proofOfKnowledge")]);
    }

    private static JsonNode ToNoble(DkgCommitment c)
    {
        var bytes = c.Serialize();
        var t = c.MinSigners;
        return new JsonObject
        {
            ["identifier"] = Noble.Id(c.Identifier),
            ["commitment"] = NobleTests.Hexes(Enumerable.Range(0, t).Select(j => bytes.AsSpan(36 + (32 * j), 32).ToArray())),
            ["proofOfKnowledge"] = Convert.ToHexStringLower(bytes.AsSpan(36 + (32 * t), 64)),
        };
    }
}
