using System.Security.Cryptography;
using StbImageSharp;
using StbImageWriteSharp;

namespace Courier.Covers.Tests;

/// <summary>The covers that would betray a payload are refused, with the reason and the size needed.</summary>
public sealed class RefusalTests
{
    static readonly byte[] Key = new byte[32];
    static readonly byte[] Payload = RandomNumberGenerator.GetBytes(100);

    static CoverRefusal Refusal(byte[] cover, IEnumerable<byte[]>? used = null) =>
        Assert.Throws<CoverRefusedException>(() => CoverImage.Embed(cover, Payload, Key, usedDigests: used)).Reason;

    [Fact]
    public void Palette_16_bit_and_interlaced_images_are_refused()
    {
        var indices = new byte[128 * 128];
        RandomNumberGenerator.Fill(indices);
        var palette = RandomNumberGenerator.GetBytes(3 * 256);
        Assert.Equal(CoverRefusal.Palette, Refusal(TestCovers.ZlibPng(indices, 128, 128, 3, palette: palette)));

        var wide = RandomNumberGenerator.GetBytes(128 * 128 * 2);
        Assert.Equal(CoverRefusal.BitDepth, Refusal(TestCovers.ZlibPng(wide, 128, 128, 0, bitDepth: 16)));

        var grey = TestCovers.Samples(100, 128, 128, 1);
        Assert.Equal(CoverRefusal.Interlaced, Refusal(TestCovers.ZlibPng(grey, 128, 128, 0, interlace: 1)));
    }

    [Fact]
    public void Flat_areas_screenshots_and_synthetic_pictures_are_refused()
    {
        // A photograph with a burnt-out patch of one value over 14% of it.
        var samples = TestCovers.Samples(101, 256, 256, 3);
        for (var y = 20; y < 116; y++)
        {
            samples.AsSpan((y * 256 + 100) * 3, 96 * 3).Fill(255);
        }

        Assert.Equal(CoverRefusal.FlatAreas, Refusal(TestCovers.Png(samples, 256, 256, 3)));

        // A screenshot: flat panels, text-like strokes, a few colours.
        var screen = new byte[256 * 256 * 3];
        var random = new Random(3);
        for (var p = 0; p < 256 * 256; p++)
        {
            int x = p % 256, y = p / 256;
            var colour = x < 60 ? 0x2B2B2B : (y % 16 < 10 && random.Next(3) == 0) ? 0x101010 : 0xF0F0F0;
            screen[3 * p] = (byte)(colour >> 16);
            screen[3 * p + 1] = (byte)(colour >> 8);
            screen[3 * p + 2] = (byte)colour;
        }

        Assert.Contains(Refusal(TestCovers.Png(screen, 256, 256, 3)), new[] { CoverRefusal.FlatAreas, CoverRefusal.Synthetic });

        // No flat block anywhere, but eight colours only (a dithered drawing).
        var dithered = new byte[256 * 256 * 3];
        for (var p = 0; p < 256 * 256; p++)
        {
            var colour = random.Next(8);
            for (var c = 0; c < 3; c++)
            {
                dithered[3 * p + c] = (byte)(((colour >> c) & 1) * 200 + 20);
            }
        }

        Assert.Equal(CoverRefusal.Synthetic, Refusal(TestCovers.Png(dithered, 256, 256, 3)));
    }

    [Theory]
    [InlineData(1, 75)]
    [InlineData(3, 90)]
    [InlineData(3, 95)]
    public void An_image_decoded_from_JPEG_is_refused_and_the_same_downsampled_by_4_is_not(int channels, int quality)
    {
        var big = TestCovers.Samples(102, 1024, 1024, channels);
        using var jpeg = new MemoryStream();
        new ImageWriter().WriteJpg(big, 1024, 1024, (StbImageWriteSharp.ColorComponents)channels, jpeg, quality);
        var decoded = ImageResult.FromMemory(jpeg.ToArray(), (StbImageSharp.ColorComponents)channels).Data;

        var crop = Crop(decoded, 1024, channels, 0, 0, 320);
        Assert.Equal(CoverRefusal.JpegDecoded, Refusal(TestCovers.Png(crop, 320, 320, channels)));

        // Cropped off the 8×8 grid, still refused.
        var shifted = Crop(decoded, 1024, channels, 3, 5, 320);
        Assert.Equal(CoverRefusal.JpegDecoded, Refusal(TestCovers.Png(shifted, 320, 320, channels)));

        var small = new byte[256 * 256 * channels];
        for (var y = 0; y < 256; y++)
        {
            for (var x = 0; x < 256; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var sum = 0;
                    for (var k = 0; k < 16; k++)
                    {
                        sum += decoded[((4 * y + k / 4) * 1024 + 4 * x + k % 4) * channels + c];
                    }

                    small[(y * 256 + x) * channels + c] = (byte)((sum + 8) / 16);
                }
            }
        }

        var stego = CoverImage.Embed(TestCovers.Png(small, 256, 256, channels), Payload, Key).Png;
        Assert.Equal(Payload, CoverImage.Extract(stego, Payload.Length, Key));
    }

    [Fact]
    public void The_synthetic_test_covers_pass_every_check()
    {
        // What the other tests rely on: none of the 100 covers, nor 20 truecolour ones, is refused.
        for (var i = 0; i < CoverSet.Samples.Length; i++)
        {
            CoverChecks.Check(CoverSet.Size, CoverSet.Size, 1, 1, CoverSet.Samples[i]);
        }

        for (var seed = 0; seed < 20; seed++)
        {
            CoverChecks.Check(256, 256, 3, 3, TestCovers.Samples(3000 + seed, 256, 256, 3));
        }
    }

    [Fact]
    public void A_cover_used_before_is_refused_even_saved_again_by_another_encoder()
    {
        var samples = TestCovers.Samples(103, 256, 256, 3);
        var cover = TestCovers.Png(samples, 256, 256, 3);
        var first = CoverImage.Embed(cover, Payload, Key);
        Assert.Equal(CoverImage.Digest(cover), first.CoverDigest);

        var resaved = TestCovers.ZlibPng(samples, 256, 256, 2, level: 9);
        Assert.Equal(CoverRefusal.UsedBefore, Refusal(resaved, [first.CoverDigest]));
        Assert.Equal(CoverRefusal.UsedBefore, Refusal(cover, [RandomNumberGenerator.GetBytes(32), first.CoverDigest]));
    }

    [Fact]
    public void A_cover_too_small_or_a_rate_too_high_is_refused_with_the_size_needed()
    {
        var cover = TestCovers.Png(104, 128, 128, 3);
        var payload = RandomNumberGenerator.GetBytes(1000);
        var refused = Assert.Throws<CoverRefusedException>(() => CoverImage.Embed(cover, payload, Key));
        Assert.Equal(CoverRefusal.TooSmall, refused.Reason);
        Assert.Equal(160_000, refused.NeededPixels);
        Assert.Contains("160000", refused.Message, StringComparison.Ordinal);

        foreach (var rate in new[] { 0.11, 0, -0.05, double.NaN })
        {
            Assert.Equal(CoverRefusal.Rate, Assert.Throws<CoverRefusedException>(() => CoverImage.Embed(cover, Payload, Key, rate)).Reason);
        }

        // The highest rate is accepted.
        var stego = CoverImage.Embed(cover, RandomNumberGenerator.GetBytes(CoverImage.Capacity(cover, CoverImage.MaxRate)), Key, CoverImage.MaxRate);
        Assert.True(stego.Stats.ChangesPerBit < 0.25);
    }

    static byte[] Crop(byte[] samples, int width, int channels, int left, int top, int size)
    {
        var crop = new byte[size * size * channels];
        for (var y = 0; y < size; y++)
        {
            samples.AsSpan(((top + y) * width + left) * channels, size * channels).CopyTo(crop.AsSpan(y * size * channels));
        }

        return crop;
    }
}
