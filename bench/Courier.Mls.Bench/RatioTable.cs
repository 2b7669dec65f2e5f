using System.Globalization;
using System.Text;

namespace Courier.Mls.Bench;

/// <summary>
/// The markdown table of docs/benchmarks.md: both medians and Courier / peer per op (the peer is
/// ts-mls or OpenMLS), each ratio checked against <paramref name="target"/>.
/// </summary>
internal static class RatioTable
{
    public static string Render(RunResults courier, RunResults peer, double target = 1)
    {
        var ours = courier.Results.ToDictionary(Key);
        var theirs = peer.Results.ToDictionary(Key);
        var keys = peer.Results.Select(Key).Concat(courier.Results.Select(Key)).Distinct().ToList();
        var name = peer.Implementation;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| op | n | Courier median (µs) | {name} median (µs) | Courier / {name} | target (≤ {target}) |");
        text.AppendLine("|---|---:|---:|---:|---:|:---:|");
        foreach (var key in keys)
        {
            ours.TryGetValue(key, out var c);
            theirs.TryGetValue(key, out var t);
            var ratio = c is not null && t is not null && t.MedianUs > 0 ? c.MedianUs / t.MedianUs : (double?)null;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {key.Op} | {key.N?.ToString(CultureInfo.InvariantCulture) ?? ""} | {Us(c)} | {Us(t)} | {(ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "–")} | {(ratio is null ? "–" : ratio <= target ? "met" : "**missed**")} |");
        }

        return text.ToString();
    }

    private static (string Op, int? N) Key(OpResult r) => (r.Op, r.N);

    private static string Us(OpResult? r) => r is null ? "–" : r.MedianUs.ToString("#,0.0", CultureInfo.InvariantCulture);
}
