using System.Globalization;
using System.Text.RegularExpressions;

namespace Courier.Node.Load;

/// <summary>The relay's request counters by route (its <c>/metrics</c>), to count the requests each path makes per message.</summary>
internal static partial class RelayRequests
{
    public static async Task<Dictionary<string, long>> ReadAsync(Uri relay)
    {
        using var http = new HttpClient { BaseAddress = relay };
        var text = await http.GetStringAsync("/metrics");
        var byRoute = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Match m in Counter().Matches(text))
        {
            var route = m.Groups["route"].Value;
            byRoute[route] = byRoute.GetValueOrDefault(route) + long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        }

        return byRoute;
    }

    /// <summary>Requests between two readings, per message, by route (routes with none left out).</summary>
    public static SortedDictionary<string, double> PerMessage(Dictionary<string, long> before, Dictionary<string, long> after, int messages)
        => new(after.Where(r => r.Value > before.GetValueOrDefault(r.Key))
            .ToDictionary(r => r.Key, r => Math.Round((double)(r.Value - before.GetValueOrDefault(r.Key)) / messages, 2)), StringComparer.Ordinal);

    [GeneratedRegex("""^courier_relay_requests_total\{route="(?<route>[^"]+)",status="\d+"\} (?<n>\d+)$""", RegexOptions.Multiline)]
    private static partial Regex Counter();
}
