using System.Security.Cryptography;
using StbImageSharp;
using Xunit.Abstractions;

namespace Courier.Covers.Tests;

/// <summary>Embedding and extraction: round trips, the changes they make, and what an image without a payload gives.</summary>
public sealed class EmbedTests(ITestOutputHelper output)
{
    static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_payload_comes_back_from_the_stego_image_and_only_samples_changed(int channels)
    {
        var cover = TestCovers.Png(7 + channels, 320, 240, channels);
        var payload = RandomNumberGenerator.GetBytes(CoverImage.Capacity(cover));
        var result = CoverImage.Embed(cover, payload, Key);
        Assert.Equal(payload, CoverImage.Extract(result.Png, payload.Length, Key));

        var before = ImageResult.FromMemory(cover, (ColorComponents)channels).Data;
        var after = ImageResult.FromMemory(result.Png, (ColorComponents)channels).Data;
        long changed = 0;
        for (var i = 0; i < before.Length; i++)
        {
            var difference = after[i] - before[i];
            Assert.InRange(difference, -1, 1);
            changed += difference != 0 ? 1 : 0;
            if (channels is 2 or 4 && i % channels == channels - 1)
            {
                Assert.Equal(0, difference);
            }
        }

        Assert.Equal(result.Stats.Changes, changed);
        Assert.Equal(payload.Length * 8, result.Stats.Bits);
        output.WriteLine($"{channels} channels: {payload.Length} bytes, {changed} changes, {result.Stats.ChangesPerBit:F3} per bit");
    }

    [Fact]
    public void Another_key_gives_other_bytes()
    {
        var cover = TestCovers.Png(21, 256, 256, 3);
        var payload = RandomNumberGenerator.GetBytes(300);
        var stego = CoverImage.Embed(cover, payload, Key).Png;
        var otherKey = (byte[])Key.Clone();
        otherKey[0] ^= 1;
        Assert.NotEqual(payload, CoverImage.Extract(stego, payload.Length, otherKey));
    }

    [Fact]
    public void The_scalar_and_the_AVX2_trellis_choose_the_same_parities()
    {
        var random = new Random(5);
        var n = 20_000;
        var cover = new byte[n];
        var costs = new float[n];
        var message = new byte[n / 16];
        for (var i = 0; i < n; i++)
        {
            cover[i] = (byte)random.Next(2);
            costs[i] = (float)random.NextDouble() * 10;
        }

        for (var i = 0; i < message.Length; i++)
        {
            message[i] = (byte)random.Next(2);
        }

        var vector = Stc.Embed(cover, costs, message, vectorised: true);
        var scalar = Stc.Embed(cover, costs, message, vectorised: false);
        Assert.Equal(scalar, vector);
        var extracted = new byte[message.Length];
        Stc.Extract(vector, extracted);
        Assert.Equal(message, extracted);

        // With equal costs the code minimises changes: far fewer than one per two bits (plain ±1
        // embedding); the bound for relative payload 1/16 is 0.117 (Filler et al. 2011, §4).
        Array.Fill(costs, 1f);
        var equal = Stc.Embed(cover, costs, message);
        var changes = Enumerable.Range(0, n).Count(i => equal[i] != cover[i]);
        output.WriteLine($"relative payload 1/16, equal costs: {(double)changes / message.Length:F3} changes per bit");
        Assert.True(changes < message.Length * 0.16);
    }

    [Fact]
    public void At_the_declared_rate_at_most_a_quarter_of_a_change_per_bit()
    {
        // Issue 19, must-hold 6, over greyscale and truecolour covers.
        foreach (var channels in new[] { 1, 3 })
        {
            long changes = 0, bits = 0;
            for (var seed = 0; seed < 10; seed++)
            {
                var cover = TestCovers.Png(300 + seed, 256, 256, channels);
                var stats = CoverImage.Embed(cover, RandomNumberGenerator.GetBytes(CoverImage.Capacity(cover)), Key).Stats;
                Assert.True(stats.ChangesPerBit <= 0.25, $"{stats.ChangesPerBit} changes per bit");
                changes += stats.Changes;
                bits += stats.Bits;
            }

            output.WriteLine($"{channels} channel(s), rate {CoverImage.DefaultRate}: {changes} changes for {bits} bits, {(double)changes / bits:F3} per bit");
        }
    }

    [Fact]
    public void What_an_image_without_a_payload_gives_looks_like_what_one_with_a_payload_gives()
    {
        // Issue 19, must-hold 4 (library half): bytes from 100 untouched covers, from 100 stego images
        // read with their key and read with another key all pass the same uniformity tests.
        var length = 400;
        var empty = new List<byte>();
        var carried = new List<byte>();
        var otherKey = new List<byte>();
        var other = RandomNumberGenerator.GetBytes(32);
        for (var i = 0; i < CoverSet.Samples.Length; i++)
        {
            var cover = CoverSet.Png(i);
            empty.AddRange(CoverImage.Extract(cover, length, Key));
            var stego = CoverImage.Embed(cover, RandomNumberGenerator.GetBytes(length), Key).Png;
            carried.AddRange(CoverImage.Extract(stego, length, Key));
            otherKey.AddRange(CoverImage.Extract(stego, length, other));
        }

        foreach (var (name, bytes) in new[] { ("no payload", empty), ("a payload", carried), ("a payload under another key", otherKey) })
        {
            var (byteP, bitP) = Uniformity(bytes);
            output.WriteLine($"{name}: byte-frequency chi-square p = {byteP:F3}, monobit p = {bitP:F3}");
            Assert.True(byteP > 0.001 && bitP > 0.001, $"{name}: p = {byteP}, {bitP}");
        }
    }

    // The p-values of a chi-square test on the 256 byte frequencies and of the monobit test.
    internal static (double Bytes, double Bits) Uniformity(IReadOnlyList<byte> bytes)
    {
        var counts = new long[256];
        long ones = 0;
        foreach (var b in bytes)
        {
            counts[b]++;
            ones += System.Numerics.BitOperations.PopCount(b);
        }

        var expected = bytes.Count / 256.0;
        var chi = counts.Sum(c => (c - expected) * (c - expected) / expected);
        var bits = bytes.Count * 8.0;
        var z = Math.Abs(ones - bits / 2) / Math.Sqrt(bits / 4);
        return (Statistics.ChiSquareSurvival(chi, 255), Statistics.Erfc(z / Math.Sqrt(2)));
    }

    [Fact]
    public void A_large_payload_spreads_over_several_images_in_their_order()
    {
        var covers = Enumerable.Range(0, 3).Select(i => TestCovers.Png(40 + i, 256, 256, 3)).ToList();
        var capacity = CoverImage.Capacity(covers[0]);
        var payload = RandomNumberGenerator.GetBytes(2 * capacity + 7);
        Assert.Equal(CoverRefusal.TooSmall, Assert.Throws<CoverRefusedException>(() => CoverImage.Embed(covers[0], payload, Key)).Reason);

        var results = CoverImage.EmbedSpread(covers, payload, Key);
        var stego = results.Select(r => r.Png).ToList();
        Assert.Equal(payload, CoverImage.ExtractSpread(stego, payload.Length, Key));

        // Out of order, the parts do not come back.
        Assert.NotEqual(payload, CoverImage.ExtractSpread([stego[1], stego[0], stego[2]], payload.Length, Key));

        // Two images are too few: refused before any is embedded, with the size each would need.
        var refused = Assert.Throws<CoverRefusedException>(() => CoverImage.EmbedSpread(covers[..2], payload, Key));
        Assert.Equal(CoverRefusal.TooSmall, refused.Reason);
        Assert.Equal((long)Math.Ceiling((payload.Length + 1) / 2 * 8 / CoverImage.DefaultRate), refused.NeededPixels);
    }

    [Fact]
    public void HILL_costs_are_low_in_texture_and_high_in_smooth_areas()
    {
        // Left half a smooth gradient, right half noise: changes must cost far more on the left.
        var random = new Random(11);
        var samples = new byte[128 * 128];
        for (var y = 0; y < 128; y++)
        {
            for (var x = 0; x < 128; x++)
            {
                samples[y * 128 + x] = (byte)(x < 64 ? 60 + x / 4 : 100 + random.Next(60));
            }
        }

        var costs = Hill.Costs(samples, 128, 128, 1, 1)[0];
        double Mean(int from, int to) => Enumerable.Range(0, 128 * 128).Where(i => i % 128 >= from && i % 128 < to).Average(i => costs[i]);
        Assert.True(Mean(0, 40) > 50 * Mean(88, 128), $"{Mean(0, 40)} against {Mean(88, 128)}");
        Assert.All(costs, c => Assert.True(float.IsFinite(c) && c > 0));
    }
}
