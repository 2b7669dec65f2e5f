using System.Diagnostics;

namespace Courier.Mix.Bench;

/// <summary>
/// Unwrap and the raw bound timed in alternating rounds, so that a load that changes during the run (the
/// machine is shared) weighs on both alike: the median of the per-round ratios.
/// </summary>
internal static class Interleaved
{
    public static (double UnwrapUs, double RawUs, double Ratio) Measure(UnwrapBenchmarks bench, int rounds, int perRound)
    {
        var unwrap = new double[rounds];
        var raw = new double[rounds];
        var ratios = new double[rounds];
        for (var warm = 0; warm < perRound; warm++)
        {
            bench.Unwrap();
            bench.RawSum();
        }

        for (var r = 0; r < rounds; r++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < perRound; i++)
            {
                bench.Unwrap();
            }

            var middle = Stopwatch.GetTimestamp();
            for (var i = 0; i < perRound; i++)
            {
                bench.RawSum();
            }

            var end = Stopwatch.GetTimestamp();
            unwrap[r] = Stopwatch.GetElapsedTime(start, middle).TotalMicroseconds / perRound;
            raw[r] = Stopwatch.GetElapsedTime(middle, end).TotalMicroseconds / perRound;
            ratios[r] = raw[r] / unwrap[r];
        }

        return (Median(unwrap), Median(raw), Median(ratios));
    }

    /// <summary>
    /// Process CPU time per call over <paramref name="calls"/> calls: on a shared machine the time this process
    /// actually ran, which other processes' load inflates far less than wall time (10 ms resolution on Linux).
    /// </summary>
    public static double CpuMicroseconds(Action call, int calls)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds / calls;
    }

    /// <summary>How many calls take about <paramref name="target"/> (from 100 timed ones): enough for the 10 ms resolution of CPU time.</summary>
    public static int CallsFor(Action call, TimeSpan target)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < 100; i++)
        {
            call();
        }

        var each = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 100;
        return (int)Math.Clamp(target.TotalMicroseconds / Math.Max(each, 0.01), 100, 10_000_000);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
