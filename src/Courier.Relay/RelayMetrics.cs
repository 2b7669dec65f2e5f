using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Courier.Relay;

/// <summary>Counters and a latency histogram, written in the Prometheus text format at /metrics. Labels never carry a drop name.</summary>
internal sealed class RelayMetrics
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly ConcurrentDictionary<(string Route, int Status), long> _requests = new();
    private readonly long[] _appendBuckets = new long[Buckets.Length + 1];
    private long _appendCount;
    private long _appendMicros;
    private long _appended;
    private long _duplicates;
    private long _fetched;
    private long _swept;

    private readonly ConcurrentDictionary<string, long> _mix = new(StringComparer.Ordinal);

    /// <summary>Counts a mix packet's outcome (accepted, forwarded, performed, refused_..., dropped_...).</summary>
    public void Mix(string outcome) => _mix.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public void Request(string route, int status) => _requests.AddOrUpdate((route, status), 1, (_, n) => n + 1);

    public void Append(TimeSpan elapsed, bool duplicate)
    {
        Interlocked.Increment(ref duplicate ? ref _duplicates : ref _appended);
        double seconds = elapsed.TotalSeconds;
        int i = 0;
        while (i < Buckets.Length && seconds > Buckets[i])
        {
            i++;
        }

        Interlocked.Increment(ref _appendBuckets[i]);
        Interlocked.Increment(ref _appendCount);
        Interlocked.Add(ref _appendMicros, (long)(seconds * 1_000_000));
    }

    public void Fetched(int envelopes) => Interlocked.Add(ref _fetched, envelopes);

    public void Swept(long envelopes) => Interlocked.Add(ref _swept, envelopes);

    /// <summary>The Prometheus text; without the drop gauge when <paramref name="drops"/> is null (the store did not answer).</summary>
    public string Render(string store, long? drops)
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.Append("# HELP courier_relay_requests_total HTTP requests by route and status.\n# TYPE courier_relay_requests_total counter\n");
        foreach (var ((route, status), n) in _requests.OrderBy(r => r.Key.Route, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            s.Append(c, $"courier_relay_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}\n");
        }

        s.Append("# HELP courier_mix_packets_total Mix packets by outcome.\n# TYPE courier_mix_packets_total counter\n");
        foreach (var (outcome, n) in _mix.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            s.Append(c, $"courier_mix_packets_total{{outcome=\"{outcome}\"}} {n}\n");
        }

        s.Append("# HELP courier_relay_appends_total Envelopes stored durably.\n# TYPE courier_relay_appends_total counter\n");
        s.Append(c, $"courier_relay_appends_total {Interlocked.Read(ref _appended)}\n");
        s.Append("# HELP courier_relay_duplicate_appends_total Appends answered from the dedupe record.\n# TYPE courier_relay_duplicate_appends_total counter\n");
        s.Append(c, $"courier_relay_duplicate_appends_total {Interlocked.Read(ref _duplicates)}\n");
        s.Append("# HELP courier_relay_fetched_envelopes_total Envelopes returned by fetches.\n# TYPE courier_relay_fetched_envelopes_total counter\n");
        s.Append(c, $"courier_relay_fetched_envelopes_total {Interlocked.Read(ref _fetched)}\n");
        s.Append("# HELP courier_relay_swept_envelopes_total Envelopes deleted by retention.\n# TYPE courier_relay_swept_envelopes_total counter\n");
        s.Append(c, $"courier_relay_swept_envelopes_total {Interlocked.Read(ref _swept)}\n");
        s.Append("# HELP courier_relay_append_duration_seconds Time from request to durable acknowledgement.\n# TYPE courier_relay_append_duration_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < Buckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _appendBuckets[i]);
            s.Append(c, $"courier_relay_append_duration_seconds_bucket{{le=\"{Buckets[i]}\"}} {cumulative}\n");
        }

        cumulative += Interlocked.Read(ref _appendBuckets[^1]);
        s.Append(c, $"courier_relay_append_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        s.Append(c, $"courier_relay_append_duration_seconds_sum {Interlocked.Read(ref _appendMicros) / 1e6}\n");
        s.Append(c, $"courier_relay_append_duration_seconds_count {Interlocked.Read(ref _appendCount)}\n");
        if (drops is { } count)
        {
            s.Append("# HELP courier_relay_drops Dead drops in the store.\n# TYPE courier_relay_drops gauge\n");
            s.Append(c, $"courier_relay_drops{{store=\"{store}\"}} {count}\n");
        }
        using var process = Process.GetCurrentProcess();
        s.Append("# HELP process_resident_memory_bytes Resident memory.\n# TYPE process_resident_memory_bytes gauge\n");
        s.Append(c, $"process_resident_memory_bytes {process.WorkingSet64}\n");
        s.Append("# HELP dotnet_gc_heap_bytes Managed heap in use.\n# TYPE dotnet_gc_heap_bytes gauge\n");
        s.Append(c, $"dotnet_gc_heap_bytes {GC.GetTotalMemory(false)}\n");
        return s.ToString();
    }
}
