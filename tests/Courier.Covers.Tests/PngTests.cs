using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Courier.Covers.Png;
using StbImageSharp;

namespace Courier.Covers.Tests;

/// <summary>The PNG side: the stego file keeps every property of the cover's, and bad files get typed errors.</summary>
public sealed class PngTests
{
    static readonly byte[] Key = new byte[32];

    [PngcheckFact]
    public void The_stego_file_passes_pngcheck_and_keeps_header_chunks_and_compression()
    {
        var chunks = new (string, byte[])[]
        {
            ("gAMA", [0, 0, 0xB1, 0x8F]),
            ("pHYs", [0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
            ("tEXt", "Software\0courier test"u8.ToArray()),
            ("tIME", [0x07, 0xEA, 12, 7, 18, 0, 0]),
        };
        foreach (var channels in new[] { 1, 2, 3, 4 })
        {
            var cover = TestCovers.WithChunks(TestCovers.Png(60 + channels, 256, 200, channels), chunks);
            var stego = CoverImage.Embed(cover, RandomNumberGenerator.GetBytes(CoverImage.Capacity(cover)), Key).Png;
            var (ok, report) = Pngcheck(stego);
            Assert.True(ok, report);

            // pngcheck -v lists every chunk with its length and the zlib level: the same lines but for
            // IDAT, the offsets after it and the overall ratio, which differ with the samples.
            Assert.Equal(Verbose(cover), Verbose(stego));
            Assert.Equal(Chunks(cover).Where(c => c.Type != "IDAT"), Chunks(stego).Where(c => c.Type != "IDAT"));
        }
    }

    [Fact]
    public void The_stego_file_keeps_the_zlib_level_and_filters_so_its_size_stays_close()
    {
        // A cover written by zlib itself at level 9 with filter None, as an independent writer would.
        var samples = TestCovers.Samples(70, 256, 256, 3);
        foreach (var level in new[] { 1, 6, 9 })
        {
            var cover = TestCovers.ZlibPng(samples, 256, 256, 2, level);
            var stego = CoverImage.Embed(cover, RandomNumberGenerator.GetBytes(CoverImage.Capacity(cover)), Key).Png;
            var idat = Chunks(stego).First(c => c.Type == "IDAT");
            Assert.Equal(Chunks(cover).First(c => c.Type == "IDAT").Data[..2], idat.Data[..2]);
            Assert.InRange((double)stego.Length / cover.Length, 0.99, 1.01);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Our_decoder_agrees_with_StbImageSharp(int channels)
    {
        var png = TestCovers.Png(80 + channels, 123, 77, channels);
        Assert.Equal(ImageResult.FromMemory(png, (ColorComponents)channels).Data, PngFile.Read(png).Samples);
        var again = PngCodec.Encode(PngFile.Read(png), PngFile.Read(png).Samples);
        Assert.Equal(ImageResult.FromMemory(png, (ColorComponents)channels).Data, ImageResult.FromMemory(again, (ColorComponents)channels).Data);
    }

    [Fact]
    public void A_truncated_or_altered_file_gets_a_typed_error_and_never_a_crash()
    {
        var png = TestCovers.Png(90, 64, 64, 3);
        var random = new Random(9);
        for (var cut = 0; cut < png.Length; cut += 7)
        {
            Assert.Equal(CoverRefusal.Malformed, Assert.Throws<CoverRefusedException>(() => CoverImage.Extract(png[..cut], 10, Key)).Reason);
        }

        for (var trial = 0; trial < 500; trial++)
        {
            var altered = (byte[])png.Clone();
            altered[random.Next(altered.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                CoverImage.Extract(altered, 10, Key);
            }
            catch (CoverRefusedException)
            {
            }
        }
    }

    [Fact]
    public void Sizes_an_attacker_controls_are_capped()
    {
        // A header claiming 100000 × 100000 pixels, with a valid CRC.
        var png = TestCovers.Png(91, 64, 64, 1);
        var header = png[16..29];
        BinaryPrimitives.WriteUInt32BigEndian(header, 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 100_000);
        var huge = Replace(png, "IHDR", header);
        Assert.Equal(CoverRefusal.TooLarge, Assert.Throws<CoverRefusedException>(() => CoverImage.Extract(huge, 10, Key)).Reason);

        // Image data that inflates far beyond the header's size (a 64 × 64 header, 64 MiB of zeros).
        using var bomb = new MemoryStream();
        using (var zlib = new ZLibStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[64 << 20]);
        }

        var bombed = Replace(png, "IDAT", bomb.ToArray());
        Assert.Equal(CoverRefusal.Malformed, Assert.Throws<CoverRefusedException>(() => CoverImage.Extract(bombed, 10, Key)).Reason);

        // An ancillary chunk over the cap.
        var big = TestCovers.WithChunks(png, ("zTXt", new byte[PngFile.MaxAncillaryChunk + 1]));
        Assert.Equal(CoverRefusal.TooLarge, Assert.Throws<CoverRefusedException>(() => CoverImage.Extract(big, 10, Key)).Reason);
    }

    static IEnumerable<string> Verbose(byte[] png) => Pngcheck(png).Report.Split('\n')
        .Where(l => !l.Contains("IDAT", StringComparison.Ordinal) && !l.StartsWith("File:", StringComparison.Ordinal))
        .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"at offset 0x[0-9a-f]+|[0-9.]+% compression", ""));

    // The chunks of a PNG, in order.
    internal static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (var position = 8; position < png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            chunks.Add((System.Text.Encoding.ASCII.GetString(png, position + 4, 4), png[(position + 8)..(position + 8 + length)]));
            position += 12 + length;
        }

        return chunks;
    }

    // png with the data of its (first) chunk of that type replaced, and the other chunks of that type dropped.
    static byte[] Replace(byte[] png, string type, byte[] data)
    {
        using var output = new MemoryStream();
        output.Write(png.AsSpan(0, 8));
        var done = false;
        foreach (var (t, d) in Chunks(png))
        {
            if (t != type || !done)
            {
                output.Write(TestCovers.Chunk(t, t == type ? data : d));
                done |= t == type;
            }
        }

        return output.ToArray();
    }

    // pngcheck -v on the file: whether it passed, and its report.
    internal static (bool Ok, string Report) Pngcheck(byte[] png)
    {
        var path = Path.Combine(Path.GetTempPath(), $"courier-covers-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        try
        {
            using var process = Process.Start(new ProcessStartInfo(PngcheckFactAttribute.Binary!, ["-v", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var report = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0, report.Replace(path, "FILE", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>
/// A fact that needs Debian's pngcheck. tools/test.sh installs it, so the test command never skips
/// these; only a bare <c>dotnet test</c> on a machine without it does.
/// </summary>
public sealed class PngcheckFactAttribute : FactAttribute
{
    /// <summary>pngcheck on PATH, or null.</summary>
    public static string? Binary { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Concat(["/usr/bin", "/usr/local/bin"])
        .Select(d => Path.Combine(d, "pngcheck"))
        .FirstOrDefault(File.Exists);

    public PngcheckFactAttribute()
    {
        if (Binary is null)
        {
            Skip = "pngcheck is not installed: run tools/test.sh, which installs the Debian package";
        }
    }
}
