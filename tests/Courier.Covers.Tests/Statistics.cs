namespace Courier.Covers.Tests;

/// <summary>Test statistics: summaries, Welch's two-sample test, the chi-square distribution.</summary>
public static class Statistics
{
    /// <summary>Mean and sample standard deviation.</summary>
    public static (double Mean, double Sd) Summary(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>
    /// Welch's two-sample test of equal means: the two-sided p-value, from the normal approximation
    /// (with 100 or more samples a side the t distribution is within 1% of it).
    /// </summary>
    public static double WelchP(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var (ma, sa) = Summary(a);
        var (mb, sb) = Summary(b);
        var error = Math.Sqrt(sa * sa / a.Count + sb * sb / b.Count);
        if (error == 0)
        {
            return ma == mb ? 1 : 0;
        }

        var z = Math.Abs(ma - mb) / error;
        return Erfc(z / Math.Sqrt(2));
    }

    /// <summary>The complementary error function, erfc(x) = Q(1/2, x²) for x ≥ 0.</summary>
    public static double Erfc(double x) => x < 0 ? 2 - Erfc(-x) : UpperGamma(0.5, x * x);

    /// <summary>P(χ² ≥ <paramref name="x"/>) with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquareSurvival(double x, int df) => UpperGamma(df / 2.0, x / 2);

    /// <summary>The regularized upper incomplete gamma function Q(a, x): series below a + 1, continued fraction above.</summary>
    public static double UpperGamma(double a, double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        var logPrefix = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            double term = 1 / a, sum = term;
            for (var n = 1; n < 1000 && Math.Abs(term) > Math.Abs(sum) * 1e-15; n++)
            {
                term *= x / (a + n);
                sum += term;
            }

            return Math.Max(0, 1 - sum * Math.Exp(logPrefix));
        }

        // Lentz's method for the continued fraction of Q.
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, f = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * f;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7).</summary>
    public static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = g[0];
        for (var i = 1; i < g.Length; i++)
        {
            sum += g[i] / (x + i);
        }

        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
