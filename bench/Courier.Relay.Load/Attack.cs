using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Courier.Relay.Client;

namespace Courier.Relay.Load;

/// <summary>
/// Issue 13, must-hold 1: an attacker process with drops of its own signs fetches with fresh nonces
/// as fast as it can from several loopback addresses, while an honest client creates, fetches and
/// trims. The honest client's p99 per operation is measured without and with the attack.
/// </summary>
internal static class Attack
{
    private static readonly string[] Sources = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"];
    private const int WorkersPerSource = 16;

    /// <summary>The honest client unloaded, then under an attacker process; one JSON object per operation, and a summary.</summary>
    public static async Task<JsonObject> MeasureAsync(string store, Uri relay, RelayClient honest, TimeSpan phase)
    {
        var unloaded = await HonestAsync(honest, phase);
        using var attacker = StartAttacker(relay);
        var ready = await attacker.StandardOutput.ReadLineAsync();
        if (ready != "ready")
        {
            throw new InvalidOperationException("the attacker did not start: " + ready + await attacker.StandardError.ReadToEndAsync());
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // up to full rate
        var loaded = await HonestAsync(honest, phase);
        attacker.StandardInput.Close();
        var flood = JsonNode.Parse(await attacker.StandardOutput.ReadLineAsync() ?? "{}")!.AsObject();
        await attacker.WaitForExitAsync();

        var result = new JsonObject { ["store"] = store, ["what"] = "attack", ["phase_seconds"] = phase.TotalSeconds, ["attacker"] = flood };
        double worst = 0;
        foreach (var op in unloaded.Latencies.Keys)
        {
            double before = unloaded.Latencies[op].PercentileMs(99), after = loaded.Latencies[op].PercentileMs(99);
            double ratio = Math.Round(after / before, 2);
            worst = Math.Max(worst, ratio);
            result[op] = new JsonObject { ["unloaded_p99_ms"] = before, ["loaded_p99_ms"] = after, ["ratio"] = ratio, ["unloaded_count"] = unloaded.Latencies[op].Count, ["loaded_count"] = loaded.Latencies[op].Count };
        }

        result["honest_failures_unloaded"] = unloaded.Failures;
        result["honest_failures_loaded"] = loaded.Failures;
        result["worst_ratio"] = worst;
        return result;
    }

    /// <summary>The attacker process's side: floods until its standard input closes, then prints its counts.</summary>
    public static async Task<int> FloodAsync(Uri relay)
    {
        var ahead = new AheadClock(TimeSpan.FromSeconds(55)); // the latest timestamp accepted, so each nonce is kept longest
        using var stop = new CancellationTokenSource();
        long ok = 0, busy = 0, limited = 0, other = 0;
        var clients = Sources.Select(source => SourceAddress.HttpClient(relay, IPAddress.Parse(source), maxConnections: 256)).ToList();
        var drops = new List<(RelayClient Client, DropName Drop, DropReadKey Key)>();
        foreach (var http in clients)
        {
            var client = new RelayClient(http, ahead);
            for (int i = 0; i < 4; i++)
            {
                var key = DropReadKey.Create();
                var drop = DropName.NewRandom();
                await client.CreateDropAsync(drop, key, null);
                drops.Add((client, drop, key));
            }
        }

        Console.WriteLine("ready");
        var workers = Enumerable.Range(0, Sources.Length * WorkersPerSource).Select(i => Task.Run(async () =>
        {
            var (client, drop, key) = drops[i % drops.Count];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.FetchAsync(drop, key, 0);
                    Interlocked.Increment(ref ok);
                }
                catch (RelayRequestException e) when (e.Status == 429)
                {
                    Interlocked.Increment(ref e.Error == "busy" ? ref busy : ref limited);
                }
                catch (Exception e) when (e is RelayRequestException or HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref other);
                }
            }
        })).ToList();
        var clock = Stopwatch.StartNew();
        await Console.In.ReadToEndAsync();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        double seconds = clock.Elapsed.TotalSeconds;
        long sent = ok + busy + limited + other;
        Console.WriteLine(new JsonObject
        {
            ["addresses"] = Sources.Length,
            ["requests"] = sent,
            ["requests_per_s"] = Math.Round(sent / seconds),
            ["served"] = ok,
            ["busy"] = busy,
            ["rate_limited"] = limited,
            ["other_errors"] = other,
        }.ToJsonString());
        clients.ForEach(c => c.Dispose());
        return 0;
    }

    private static Process StartAttacker(Uri relay)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(Attack).Assembly.Location);
        info.ArgumentList.Add("--attacker");
        info.ArgumentList.Add(relay.ToString());
        return Process.Start(info)!;
    }

    /// <summary>One honest client in a closed loop: create a drop, append, fetch, trim; latencies of create, fetch and trim.</summary>
    private static async Task<(Dictionary<string, LatencyRecorder> Latencies, JsonObject Failures)> HonestAsync(RelayClient client, TimeSpan duration)
    {
        var latencies = new Dictionary<string, LatencyRecorder> { ["create"] = new(), ["fetch"] = new(), ["trim"] = new() };
        var failures = new JsonObject();
        using var key = DropReadKey.Create();
        var envelope = new byte[EnvelopeSizes.Small];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            try
            {
                var drop = DropName.NewRandom();
                await TimedAsync(latencies["create"], () => client.CreateDropAsync(drop, key, null));
                await client.AppendAsync(drop, null, envelope, MessageId.NewRandom());
                await TimedAsync(latencies["fetch"], () => client.FetchAsync(drop, key, 0));
                await TimedAsync(latencies["trim"], () => client.TrimAsync(drop, key, 1));
            }
            catch (Exception e) when (e is RelayRequestException or HttpRequestException or TaskCanceledException)
            {
                // By kind, so that a failure can be told from a refusal.
                var kind = e is RelayRequestException refused ? $"{refused.Status} {refused.Error}" : e.GetType().Name;
                failures[kind] = ((long?)failures[kind] ?? 0) + 1;
            }
        }

        return (latencies, failures);
    }

    private static async Task TimedAsync(LatencyRecorder recorder, Func<Task> operation)
    {
        long start = Stopwatch.GetTimestamp();
        await operation();
        recorder.Add(Stopwatch.GetElapsedTime(start));
    }

    private sealed class AheadClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }
}
