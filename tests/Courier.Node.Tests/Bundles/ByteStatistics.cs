namespace Courier.Node.Tests.Bundles;

/// <summary>
/// Tests of "these bytes look random", each at significance 0.001: the chi-square test of byte
/// frequencies (255 degrees of freedom), the runs test of bits (NIST SP 800-22 §2.3) and the serial
/// correlation of consecutive bytes (Knuth, TAOCP vol. 2, §3.3.2 K).
/// </summary>
internal static class ByteStatistics
{
    /// <summary>The 0.999 quantile of chi-square with 255 degrees of freedom.</summary>
    public const double ChiSquareCritical = 330.52;

    /// <summary>erfc(x) = 0.001.</summary>
    private const double RunsCritical = 2.3268;

    /// <summary>The two-sided 0.001 quantile of the standard normal.</summary>
    private const double NormalCritical = 3.2905;

    public static double ChiSquare(ReadOnlySpan<byte> bytes)
    {
        var counts = new long[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }

        var expected = bytes.Length / 256.0;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    /// <summary>NIST's runs statistic, |V - 2nπ(1-π)| / (2√(2n) π(1-π)), whose p-value is erfc of it; infinite when the frequency pre-test fails.</summary>
    public static double Runs(ReadOnlySpan<byte> bytes)
    {
        long n = bytes.Length * 8L, ones = 0, runs = 1;
        var previous = bytes[0] >> 7;
        for (long i = 0; i < n; i++)
        {
            var bit = (bytes[(int)(i / 8)] >> (7 - (int)(i % 8))) & 1;
            ones += bit;
            if (i > 0 && bit != previous)
            {
                runs++;
            }

            previous = bit;
        }

        var pi = (double)ones / n;
        return Math.Abs(pi - 0.5) >= 2 / Math.Sqrt(n)
            ? double.PositiveInfinity
            : Math.Abs(runs - (2 * n * pi * (1 - pi))) / (2 * Math.Sqrt(2.0 * n) * pi * (1 - pi));
    }

    /// <summary>The serial correlation coefficient of consecutive bytes (circular), scaled by √n: about standard normal for random bytes.</summary>
    public static double SerialCorrelation(ReadOnlySpan<byte> bytes)
    {
        double n = bytes.Length, sum = 0, squares = 0, products = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            double u = bytes[i], next = bytes[(i + 1) % bytes.Length];
            sum += u;
            squares += u * u;
            products += u * next;
        }

        var r = ((n * products) - (sum * sum)) / ((n * squares) - (sum * sum));
        return r * Math.Sqrt(n);
    }

    /// <summary>Whether all three tests accept the bytes as random; otherwise which refused.</summary>
    public static string? Refusal(ReadOnlySpan<byte> bytes)
    {
        var (chi, runs, serial) = (ChiSquare(bytes), Runs(bytes), SerialCorrelation(bytes));
        return chi > ChiSquareCritical ? $"chi-square {chi:F1} > {ChiSquareCritical}"
            : runs > RunsCritical ? $"runs statistic {runs:F2} > {RunsCritical}"
            : Math.Abs(serial) > NormalCritical ? $"serial correlation {serial:F2} (scaled) beyond ±{NormalCritical}"
            : null;
    }
}
