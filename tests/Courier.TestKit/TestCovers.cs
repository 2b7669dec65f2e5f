using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using StbImageWriteSharp;

namespace Courier.TestKit;

/// <summary>
/// Synthetic photographs for the tests (no network, no files): a scene of gradients, soft-edged objects
/// and multi-scale texture whose strength varies across the picture, rendered at twice the size with
/// sensor noise (shot noise growing with the light, read noise), then averaged 2×2 and rounded, as a
/// camera's image downsampled. Each seed gives one picture.
/// </summary>
public static class TestCovers
{
    /// <summary>
    /// Interleaved 8-bit samples of a <paramref name="width"/> × <paramref name="height"/> picture, rendered at
    /// <paramref name="oversample"/> times the size and averaged down (1 for the benchmark's 12-megapixel cover).
    /// </summary>
    public static byte[] Samples(int seed, int width, int height, int channels, int oversample = 2)
    {
        var random = new Random(seed);
        int w = oversample * width, h = oversample * height;
        var scene = new float[w * h];
        float gx = (float)(random.NextDouble() - 0.5) * 80 / w, gy = (float)(random.NextDouble() - 0.5) * 80 / h;
        var level = 90 + (float)random.NextDouble() * 60;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                scene[y * w + x] = level + gx * x + gy * y;
            }
        }

        // Texture whose strength a coarse field sets: smooth skies beside grass and bark.
        var strength = ValueNoise(random, w, h, 128);
        for (var cell = 64; cell >= 2; cell /= 2)
        {
            var octave = ValueNoise(random, w, h, cell);
            var amplitude = 22f * MathF.Pow(cell / 64f, 0.45f);
            for (var i = 0; i < scene.Length; i++)
            {
                scene[i] += amplitude * (octave[i] - 0.5f) * (0.1f + 1.4f * strength[i] * strength[i]);
            }
        }

        var objects = random.Next(3, 9);
        for (var o = 0; o < objects; o++)
        {
            float cx = random.Next(w), cy = random.Next(h), radius = 10 + random.Next(w / 4), step = random.Next(-40, 40);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var d = MathF.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - radius;
                    scene[y * w + x] += step / (1 + MathF.Exp(d / 1.5f));
                }
            }
        }

        // Colour: each channel a tint of the scene plus its own coarse and fine colour variation.
        var tint = new float[channels];
        var chroma = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            tint[c] = channels == 1 ? 1 : 0.8f + 0.4f * (float)random.NextDouble();
            chroma[c] = new float[w * h];
            if (channels >= 3 && c < 3)
            {
                foreach (var (cell, amplitude) in new[] { (96, 30f), (24, 12f), (6, 5f) })
                {
                    var field = ValueNoise(random, w, h, cell);
                    for (var i = 0; i < field.Length; i++)
                    {
                        chroma[c][i] += amplitude * (field[i] - 0.5f);
                    }
                }
            }
        }

        var samples = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var sum = 0f;
                    var count = oversample * oversample;
                    for (var k = 0; k < count; k++)
                    {
                        var i = (oversample * y + k / oversample) * w + oversample * x + k % oversample;
                        var light = Math.Clamp(scene[i] * tint[c] + chroma[c][i], 8, 247);
                        sum += light + Gaussian(random) * MathF.Sqrt(0.6f + 0.03f * light);
                    }

                    samples[(y * width + x) * channels + c] = (byte)Math.Clamp(MathF.Round(sum / count), 0, 255);
                }
            }
        }

        return samples;
    }

    /// <summary>A PNG (written by StbImageWriteSharp, an encoder independent of the library's) of a synthetic picture.</summary>
    public static byte[] Png(int seed, int width, int height, int channels) =>
        Png(Samples(seed, width, height, channels), width, height, channels);

    /// <summary>A PNG of <paramref name="samples"/>, written by StbImageWriteSharp.</summary>
    public static byte[] Png(byte[] samples, int width, int height, int channels)
    {
        using var output = new MemoryStream();
        new ImageWriter().WritePng(samples, width, height, (ColorComponents)channels, output);
        return output.ToArray();
    }

    /// <summary>
    /// A PNG written with zlib at <paramref name="level"/>, every row filter None: any colour type, bit
    /// depth and interlace flag (the samples are written as given, so only 8-bit non-interlaced files
    /// decode to the picture), with <paramref name="palette"/> as PLTE when given.
    /// </summary>
    public static byte[] ZlibPng(byte[] samples, int width, int height, byte colorType, int level = 6,
        byte bitDepth = 8, byte interlace = 0, byte[]? palette = null)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = bitDepth;
        header[9] = colorType;
        header[12] = interlace;
        var rowBytes = samples.Length / height;
        using var data = new MemoryStream();
        using (var zlib = new ZLibStream(data, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0);
                zlib.Write(samples, y * rowBytes, rowBytes);
            }
        }

        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        png.Write(Chunk("IHDR", header));
        if (palette is not null)
        {
            png.Write(Chunk("PLTE", palette));
        }

        png.Write(Chunk("IDAT", data.ToArray()));
        png.Write(Chunk("IEND", []));
        return png.ToArray();
    }

    /// <summary><paramref name="png"/> with <paramref name="chunks"/> (type, data) inserted after IHDR.</summary>
    public static byte[] WithChunks(byte[] png, params (string Type, byte[] Data)[] chunks)
    {
        var ihdrEnd = 8 + 12 + 13;
        using var output = new MemoryStream();
        output.Write(png.AsSpan(0, ihdrEnd));
        foreach (var (type, data) in chunks)
        {
            output.Write(Chunk(type, data));
        }

        output.Write(png.AsSpan(ihdrEnd));
        return output.ToArray();
    }

    /// <summary>One chunk's bytes: length, type, data, CRC-32.</summary>
    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    // Smoothly interpolated random values on a lattice of the given cell size, in [0, 1].
    static float[] ValueNoise(Random random, int w, int h, int cell)
    {
        int gw = w / cell + 2, gh = h / cell + 2;
        var grid = new float[gw * gh];
        for (var i = 0; i < grid.Length; i++)
        {
            grid[i] = (float)random.NextDouble();
        }

        var noise = new float[w * h];
        for (var y = 0; y < h; y++)
        {
            var fy = (float)y / cell;
            var y0 = (int)fy;
            var ty = Smooth(fy - y0);
            for (var x = 0; x < w; x++)
            {
                var fx = (float)x / cell;
                var x0 = (int)fx;
                var tx = Smooth(fx - x0);
                var top = grid[y0 * gw + x0] + tx * (grid[y0 * gw + x0 + 1] - grid[y0 * gw + x0]);
                var bottom = grid[(y0 + 1) * gw + x0] + tx * (grid[(y0 + 1) * gw + x0 + 1] - grid[(y0 + 1) * gw + x0]);
                noise[y * w + x] = top + ty * (bottom - top);
            }
        }

        return noise;
    }

    static float Smooth(float t) => t * t * (3 - 2 * t);

    static float Gaussian(Random random) =>
        MathF.Sqrt(-2 * MathF.Log(1 - (float)random.NextDouble())) * MathF.Cos(2 * MathF.PI * (float)random.NextDouble());
}
