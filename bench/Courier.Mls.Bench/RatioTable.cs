using System.Globalization;
using System.Text;

namespace Courier.Mls.Bench;

/// <summary>The markdown table of docs/benchmarks.md: both medians and Courier / ts-mls per op.</summary>
internal static class RatioTable
{
    public static string Render(RunResults courier, RunResults tsMls)
    {
        var ours = courier.Results.ToDictionary(Key);
        var theirs = tsMls.Results.ToDictionary(Key);
        var keys = tsMls.Results.Select(Key).Concat(courier.Results.Select(Key)).Distinct().ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| op | n | Courier median (µs) | ts-mls median (µs) | Courier / ts-mls | target (≤ 1) |");
        text.AppendLine("|---|---:|---:|---:|---:|:---:|");
        foreach (var key in keys)
        {
            ours.TryGetValue(key, out var c);
            theirs.TryGetValue(key, out var t);
            var ratio = c is not null && t is not null && t.MedianUs > 0 ? c.MedianUs / t.MedianUs : (double?)null;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {key.Op} | {key.N?.ToString(CultureInfo.InvariantCulture) ?? ""} | {Us(c)} | {Us(t)} | {(ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "–")} | {(ratio is null ? "–" : ratio <= 1 ? "met" : "**missed**")} |");
        }

        return text.ToString();
    }

    private static (string Op, int? N) Key(OpResult r) => (r.Op, r.N);

    private static string Us(OpResult? r) => r is null ? "–" : r.MedianUs.ToString("#,0.0", CultureInfo.InvariantCulture);
}
