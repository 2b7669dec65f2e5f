using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Courier.TestKit;

namespace Courier.Covers.Bench;

/// <summary>
/// Issue 19, must-hold 5: a 64 KiB payload into a 12-megapixel (4000 × 3000) truecolour photograph
/// at the default rate, and back out. The cover is a synthetic photograph (the test kit's
/// TestCovers) written as a PNG at zlib's default level.
/// </summary>
[MemoryDiagnoser]
public class EmbedBenchmarks
{
    byte[] cover = [];
    byte[] stego = [];
    readonly byte[] payload = RandomNumberGenerator.GetBytes(64 << 10);
    readonly byte[] key = new byte[CoverImage.KeySize];

    [GlobalSetup]
    public void Setup()
    {
        cover = Make();
        stego = CoverImage.Embed(cover, payload, key).Png;
    }

    /// <summary>The benchmark's cover.</summary>
    public static byte[] Make() => TestCovers.Png(TestCovers.Samples(12, 4000, 3000, 3, oversample: 1), 4000, 3000, 3);

    [Benchmark]
    public byte[] Embed64KiB() => CoverImage.Embed(cover, payload, key).Png;

    [Benchmark]
    public byte[] Extract64KiB() => CoverImage.Extract(stego, payload.Length, key);
}
