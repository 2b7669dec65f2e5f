using Xunit.Abstractions;

namespace Courier.Covers.Tests;

/// <summary>The detectors themselves, tested: each finds LSB replacement at a known rate and estimates that rate.</summary>
public sealed class SteganalysisTests(ITestOutputHelper output)
{
    const int Size = 256;
    const int Covers = 20;

    static readonly byte[][] Planes = [.. Enumerable.Range(1000, Covers).Select(seed => TestCovers.Samples(seed, Size, Size, 1))];

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.2)]
    public void Rs_Spa_and_Ws_estimate_the_rate_of_LSB_replacement(double rate)
    {
        foreach (var (name, detector) in Detectors)
        {
            var covers = Planes.Select(p => detector(p)).ToList();
            var stego = Planes.Select((p, i) => detector(Steganalysis.LsbReplace(p, (int)(rate * p.Length), i))).ToList();
            var (coverMean, coverSd) = Statistics.Summary(covers);
            var (stegoMean, stegoSd) = Statistics.Summary(stego);
            output.WriteLine($"{name}: covers {coverMean:F4} ± {coverSd:F4}, LSB replacement at {rate}: {stegoMean:F4} ± {stegoSd:F4}");
            Assert.InRange(coverMean, -0.03, 0.03);
            Assert.InRange(stegoMean, rate - 0.05, rate + 0.05);
        }
    }

    [Fact]
    public void The_chi_square_attack_estimates_the_length_of_a_message_written_in_order()
    {
        var covers = Planes.Select(Steganalysis.ChiSquare).ToList();
        var stego = Planes.Select((p, i) => Steganalysis.ChiSquare(Steganalysis.LsbReplace(p, p.Length / 2, i, sequential: true))).ToList();
        output.WriteLine($"chi-square: covers {Statistics.Summary(covers)}, half written in order {Statistics.Summary(stego)}");
        Assert.InRange(covers.Average(), 0, 0.1);
        Assert.InRange(stego.Average(), 0.4, 0.6);
    }

    [Fact]
    public void Welch_test_and_the_chi_square_distribution_match_known_values()
    {
        Assert.Equal(0.0455, Statistics.Erfc(2 / Math.Sqrt(2)), 4);
        Assert.Equal(0.05, Statistics.ChiSquareSurvival(3.841, 1), 3);
        Assert.Equal(0.05, Statistics.ChiSquareSurvival(124.342, 100), 3);
        Assert.True(Statistics.WelchP([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) > 0.99);
    }

    internal static (string Name, Func<byte[], double> Detector)[] Detectors =>
    [
        ("RS", p => Steganalysis.Rs(p, Size, Size)),
        ("SPA", p => Steganalysis.Spa(p, Size, Size)),
        ("WS", p => Steganalysis.Ws(p, Size, Size)),
    ];
}
