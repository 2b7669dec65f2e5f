namespace Courier.Covers.Tests;

/// <summary>
/// The structural detectors of LSB replacement, from their papers, as a test oracle. Each estimates the
/// embedded rate (message bits per sample) of one 8-bit channel, row-major.
/// </summary>
public static class Steganalysis
{
    /// <summary>
    /// The chi-square attack (A. Westfeld, A. Pfitzmann, "Attacks on steganographic systems", 2000), on
    /// consecutive windows of 5% of the samples each (Provos's sliding variant): in each, the probability
    /// that the pairs of values 2i, 2i+1 were equalised by embedding; the rate estimate is the share of
    /// windows where it is above 0.5. It measures a message written in order, or one filling the image.
    /// </summary>
    public static double ChiSquare(byte[] plane)
    {
        const int windows = 20;
        var above = 0;
        for (var window = 0; window < windows; window++)
        {
            var counts = new long[256];
            var end = (int)((long)plane.Length * (window + 1) / windows);
            for (var i = (int)((long)plane.Length * window / windows); i < end; i++)
            {
                counts[plane[i]]++;
            }

            double chi = 0;
            var categories = 0;
            for (var k = 0; k < 128; k++)
            {
                var expected = (counts[2 * k] + counts[2 * k + 1]) / 2.0;
                if (expected >= 5)
                {
                    chi += (counts[2 * k] - expected) * (counts[2 * k] - expected) / expected;
                    categories++;
                }
            }

            if (categories > 1 && Statistics.ChiSquareSurvival(chi, categories - 1) > 0.5)
            {
                above++;
            }
        }

        return (double)above / windows;
    }

    /// <summary>
    /// RS analysis (J. Fridrich, M. Goljan, R. Du, "Reliable detection of LSB steganography in color and
    /// grayscale images", 2001): groups of four horizontally adjacent samples, mask [0 1 1 0], the
    /// regular and singular groups under F1 and F−1, on the image and on it with every LSB flipped.
    /// </summary>
    public static double Rs(byte[] plane, int width, int height)
    {
        var (r, s, rn, sn) = Groups(plane, width, height, flipAll: false);
        var (r1, s1, rn1, sn1) = Groups(plane, width, height, flipAll: true);
        double d0 = r - s, d1 = r1 - s1, dn0 = rn - sn, dn1 = rn1 - sn1;
        double a = 2 * (d1 + d0), b = dn0 - dn1 - d1 - 3 * d0, c = d0 - dn0;
        var z = SmallerRoot(a, b, c);
        return z / (z - 0.5);
    }

    /// <summary>
    /// Sample pair analysis (S. Dumitrescu, X. Wu, Z. Wang, "Detection of LSB steganography via sample
    /// pair analysis", 2003): the trace sets X, Y, W, Z of horizontally adjacent pairs (u, v) and the
    /// smaller root of ((W + Z) / 2) p² + (2X − P) p + (Y − X) = 0.
    /// </summary>
    public static double Spa(byte[] plane, int width, int height)
    {
        long x = 0, y = 0, w = 0, z = 0, pairs = 0;
        for (var row = 0; row < height; row++)
        {
            for (var col = 0; col + 1 < width; col++)
            {
                int u = plane[row * width + col], v = plane[row * width + col + 1];
                pairs++;
                if (u == v)
                {
                    z++;
                }
                else if ((v & 1) == 0 ? u < v : u > v)
                {
                    x++;
                }
                else
                {
                    y++;
                    w += u >> 1 == v >> 1 ? 1 : 0;
                }
            }
        }

        return SmallerRoot((w + z) / 2.0, 2.0 * x - pairs, y - x);
    }

    /// <summary>
    /// Weighted stego (J. Fridrich, M. Goljan, "On estimation of secret message length in LSB
    /// steganography in spatial domain", 2004; with the predictor and weights of A. Ker, R. Böhme,
    /// "Revisiting weighted stego-image steganalysis", 2008): p = 2 Σ w (s − s̄)(s − F(s)) / Σ w, with
    /// F the Ker–Böhme predictor from the eight neighbours and w = 1 / (5 + local variance).
    /// </summary>
    public static double Ws(byte[] plane, int width, int height)
    {
        double numerator = 0, weights = 0;
        for (var row = 1; row < height - 1; row++)
        {
            for (var col = 1; col < width - 1; col++)
            {
                int S(int dy, int dx) => plane[(row + dy) * width + col + dx];
                double sides = S(-1, 0) + S(1, 0) + S(0, -1) + S(0, 1);
                double corners = S(-1, -1) + S(-1, 1) + S(1, -1) + S(1, 1);
                var predicted = sides / 2 - corners / 4;
                var mean = sides / 4;
                var variance = (Square(S(-1, 0) - mean) + Square(S(1, 0) - mean) + Square(S(0, -1) - mean) + Square(S(0, 1) - mean)) / 4;
                var weight = 1 / (5 + variance);
                var s = S(0, 0);
                var flipped = s ^ 1;
                numerator += weight * (s - flipped) * (s - predicted);
                weights += weight;
            }
        }

        return 2 * numerator / weights;
    }

    static double Square(double x) => x * x;

    // Fractions of regular and singular groups under the mask and the negative mask.
    static (double R, double S, double RNeg, double SNeg) Groups(byte[] plane, int width, int height, bool flipAll)
    {
        long r = 0, s = 0, rn = 0, sn = 0, groups = 0;
        Span<int> g = stackalloc int[4];
        Span<int> f = stackalloc int[4];
        for (var row = 0; row < height; row++)
        {
            for (var col = 0; col + 4 <= width; col += 4)
            {
                for (var k = 0; k < 4; k++)
                {
                    g[k] = plane[row * width + col + k] ^ (flipAll ? 1 : 0);
                }

                groups++;
                var before = Smoothness(g);
                for (var negative = 0; negative < 2; negative++)
                {
                    g.CopyTo(f);
                    for (var k = 1; k <= 2; k++)
                    {
                        // F1 swaps 2i and 2i+1; F−1 swaps 2i−1 and 2i.
                        f[k] = negative == 0 ? f[k] ^ 1 : ((f[k] + 1) ^ 1) - 1;
                    }

                    var after = Smoothness(f);
                    if (negative == 0)
                    {
                        r += after > before ? 1 : 0;
                        s += after < before ? 1 : 0;
                    }
                    else
                    {
                        rn += after > before ? 1 : 0;
                        sn += after < before ? 1 : 0;
                    }
                }
            }
        }

        return ((double)r / groups, (double)s / groups, (double)rn / groups, (double)sn / groups);
    }

    static int Smoothness(ReadOnlySpan<int> g) => Math.Abs(g[1] - g[0]) + Math.Abs(g[2] - g[1]) + Math.Abs(g[3] - g[2]);

    static double SmallerRoot(double a, double b, double c)
    {
        if (Math.Abs(a) < 1e-12)
        {
            return b == 0 ? 0 : -c / b;
        }

        var discriminant = b * b - 4 * a * c;
        if (discriminant < 0)
        {
            return -b / (2 * a);
        }

        var root = Math.Sqrt(discriminant);
        double p1 = (-b + root) / (2 * a), p2 = (-b - root) / (2 * a);
        return Math.Abs(p1) < Math.Abs(p2) ? p1 : p2;
    }

    /// <summary>Channel <paramref name="channel"/> of interleaved samples, as a plane.</summary>
    public static byte[] Plane(byte[] samples, int channels, int channel)
    {
        var plane = new byte[samples.Length / channels];
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = samples[i * channels + channel];
        }

        return plane;
    }

    /// <summary>
    /// The control: LSB replacement of <paramref name="bits"/> random bits into samples at random
    /// places (or, with <paramref name="sequential"/>, the first ones), the embedding the detectors target.
    /// </summary>
    public static byte[] LsbReplace(byte[] plane, int bits, int seed, bool sequential = false)
    {
        var random = new Random(seed);
        var stego = (byte[])plane.Clone();
        var places = Enumerable.Range(0, plane.Length).ToArray();
        if (!sequential)
        {
            random.Shuffle(places);
        }

        for (var i = 0; i < bits; i++)
        {
            stego[places[i]] = (byte)((stego[places[i]] & ~1) | random.Next(2));
        }

        return stego;
    }
}
