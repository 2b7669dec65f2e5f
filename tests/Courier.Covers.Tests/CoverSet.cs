namespace Courier.Covers.Tests;

/// <summary>The suite's 100 greyscale test covers, 256 × 256, made once (seeds 2000–2099).</summary>
public static class CoverSet
{
    /// <summary>The side of each cover.</summary>
    public const int Size = 256;

    static readonly Lazy<byte[][]> Made = new(() =>
    {
        var covers = new byte[100][];
        Parallel.For(0, covers.Length, i => covers[i] = TestCovers.Samples(2000 + i, Size, Size, 1));
        return covers;
    });

    /// <summary>The covers' samples (one channel).</summary>
    public static byte[][] Samples => Made.Value;

    /// <summary>Cover <paramref name="i"/> as a PNG.</summary>
    public static byte[] Png(int i) => TestCovers.Png(Samples[i], Size, Size, 1);
}
