using System.Text;
using System.Text.Json;
using Courier.Node.Reserve;

namespace Courier.Node.Tests.Reserve;

/// <summary>
/// Shamir's vectors (TestVectors/shamir, README.md there): Courier's own, split from a seeded byte
/// stream (<see cref="SeededRandom"/>) so the exact shares are fixed; and shares made by an independent
/// implementation (npm shamir-secret-sharing 0.0.4, the same field), which Courier combines.
/// </summary>
public sealed class ShamirVectorTests
{
    /// <summary>What the vector file was generated from: seed, secret, threshold, count.</summary>
    private static readonly (string Seed, byte[] Secret, int Threshold, int Count)[] Cases =
    [
        ("zero byte", [0x00], 2, 2),
        ("ff byte", [0xFF], 2, 3),
        ("a word", Encoding.UTF8.GetBytes("courier"), 3, 5),
        ("a key", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 3, 5),
        ("all ones", Enumerable.Repeat((byte)0xFF, 16).ToArray(), 5, 5),
        ("every x", [0x42], 2, 255),
        ("a long one", Enumerable.Range(0, 64).Select(i => (byte)(255 - i)).ToArray(), 10, 20),
    ];

    private static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestVectors", "shamir", name);

    [Fact]
    public void A_seeded_split_gives_exactly_the_committed_shares_and_every_threshold_subset_gives_the_secret_back()
    {
        var generated = Cases.Select(c => new
        {
            seed = c.Seed,
            secret = Convert.ToHexStringLower(c.Secret),
            threshold = c.Threshold,
            shares = Shamir.Split(c.Secret, c.Threshold, c.Count, new SeededRandom(c.Seed)).Select(s => Convert.ToHexStringLower(s.Encode())).ToArray(),
        }).ToArray();
        var json = JsonSerializer.Serialize(generated, new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("COURIER_WRITE_SHAMIR_VECTORS") is { Length: > 0 } target)
        {
            File.WriteAllText(target, json);
        }

        Assert.Equal(File.ReadAllText(Path("courier-vectors.json")), json);
        foreach (var vector in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            var shares = vector.GetProperty("shares").EnumerateArray().Select(s => ShamirShare.Decode(s.Hex())).ToList();
            var secret = vector.GetProperty("secret").Hex();
            var threshold = vector.GetProperty("threshold").GetInt32();
            for (var start = 0; start + threshold <= shares.Count; start += Math.Max(1, shares.Count / 8))
            {
                Assert.Equal(secret, Shamir.Combine(shares.Skip(start).Take(threshold).ToList()));
            }
        }
    }

    [Fact]
    public void Shares_made_by_an_independent_implementation_combine_to_their_secret()
    {
        var vectors = JsonDocument.Parse(File.ReadAllBytes(Path("npm-shamir-secret-sharing.json"))).RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(vectors);
        foreach (var vector in vectors)
        {
            var threshold = vector.GetProperty("threshold").GetInt32();

            // Its shares are y || x, with x random (distinct, nonzero).
            var shares = vector.GetProperty("shares").EnumerateArray().Select(s => s.Hex()).Select(s => new ShamirShare(s[^1], (byte)threshold, s[..^1])).ToList();
            var secret = vector.GetProperty("secret").Hex();
            foreach (var subset in ShamirTests.Subsets(shares.Count, threshold).Take(20))
            {
                Assert.Equal(secret, Shamir.Combine(subset.Select(i => shares[i]).ToList()));
            }
        }
    }
}
