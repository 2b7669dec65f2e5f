using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Courier.Mix;
using Courier.Node;
using Courier.Node.Relay;
using Courier.Node.Relay.Mix;
using Courier.Relay.Client;
using Courier.Relay.Client.Mix;
using Courier.TestKit;

// Usage: Courier.Mix.Load [--packets N] [--concurrency C] [--samples N] [--pin CPU]. Three relay processes
// (courier relay serve, SQLite, each the others' mix peer) on 127.0.0.71-73, then:
// 1. throughput: N distinct small packets on the path A → B (B discards them: their recipient is no relay),
//    posted to A by C concurrent senders; A unwraps each (MAC, replay tag committed to SQLite, one Lioness
//    layer), answers 202 and forwards it to B in batches (POST /v1/mix/batches). A's packets forwarded per
//    second of its own CPU time (/proc/PID/stat, every thread) is the per-core figure; with --pin, A is also
//    pinned to that CPU. Twice: "entry", each packet posted alone (as nodes post to their first hop), and
//    "middle", packets posted in batches of up to 64 by C / 8 senders (as a peer mix forwards; --no-middle skips it).
// 2. latency: appends of a 1 KiB envelope to a drop on C through CourierNode's own MixHandler (three hops,
//    zero delays, the answer back through a SURB of two hops to the entry, where it is collected), one at a
//    time: the round trip as the node sees it, and one way (until a long-poll fetch waiting on C directly
//    returns the envelope).
// Each phase is preceded by half as many packets again, in four rounds with 1 s idle after each, not measured (JIT, pools).
// One JSON object per line; the last line is the summary. Run under `flock -o /tmp/courier-bench.lock`.
int packets = Option("--packets", 20_000), concurrency = Option("--concurrency", 32), samples = Option("--samples", 300), pin = Option("--pin", -1);
// The relays inherit this: pool threads that wait for work do not spin, so their CPU time is the work done,
// not the idle spinning of a relay that is not saturated (--spin keeps .NET's default).
if (!args.Contains("--spin"))
{
    Environment.SetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0");
}

var root = Directory.CreateTempSubdirectory("courier-mix-load-").FullName;
var ends = Enumerable.Range(71, 3).Select(n => $"127.0.0.{n}:{RelayProcess.FreePort()}").ToList();
var relays = new List<RelayProcess>();
try
{
    foreach (var listen in ends)
    {
        var arguments = new List<string> { "--listen", listen, "--data", Path.Combine(root, listen.Replace(':', '-')), "--rate-limit", "0" };
        foreach (var peer in ends.Where(e => e != listen))
        {
            arguments.AddRange(["--mix-peer", $"http://{peer}/"]);
        }

        relays.Add(await RelayProcess.StartAsync([.. arguments]));
    }

    if (pin >= 0)
    {
        using var taskset = Process.Start("taskset", ["-a", "-p", "-c", pin.ToString(CultureInfo.InvariantCulture), relays[0].ProcessId.ToString(CultureInfo.InvariantCulture)])!;
        await taskset.WaitForExitAsync();
    }

    var https = relays.Select(r => new HttpClient { BaseAddress = r.Address }).ToList();
    var pins = relays.Select(r => Base64Url.DecodeFromChars(r.MixIdentityKey)).ToList();
    var descriptors = new List<MixDescriptor>();
    for (int i = 0; i < relays.Count; i++)
    {
        descriptors.Add(MixDescriptor.Verify(await https[i].GetByteArrayAsync("/v1/mix/descriptor"), pins[i]));
    }

    Emit(new JsonObject { ["what"] = "config", ["spin"] = args.Contains("--spin"), ["packets"] = packets, ["concurrency"] = concurrency, ["samples"] = samples, ["pinned_cpu"] = pin, ["nproc"] = Environment.ProcessorCount, ["loadavg"] = LoadAverage() });
    var throughput = await ThroughputAsync(https[0], https[1], relays[0].ProcessId, relays[1].ProcessId, descriptors, packets, concurrency, batched: false);
    Emit(throughput);
    var middle = args.Contains("--no-middle") ? null : await ThroughputAsync(https[0], https[1], relays[0].ProcessId, relays[1].ProcessId, descriptors, packets, Math.Max(1, concurrency / 8), batched: true);
    if (middle is not null)
    {
        Emit(middle);
    }

    var latency = await LatencyAsync(relays, pins, https[2], samples);
    Emit(latency);
    Emit(new JsonObject
    {
        ["what"] = "summary",
        ["forwarded_per_cpu_second"] = throughput["forwarded_per_cpu_second"]!.DeepClone(),
        ["forwarded_per_second"] = throughput["forwarded_per_second"]!.DeepClone(),
        ["middle_forwarded_per_cpu_second"] = middle?["forwarded_per_cpu_second"]!.DeepClone(),
        ["middle_forwarded_per_second"] = middle?["forwarded_per_second"]!.DeepClone(),
        ["round_trip_p50_ms"] = latency["round_trip_p50_ms"]!.DeepClone(),
        ["round_trip_p99_ms"] = latency["round_trip_p99_ms"]!.DeepClone(),
        ["one_way_p50_ms"] = latency["one_way_p50_ms"]!.DeepClone(),
        ["one_way_p99_ms"] = latency["one_way_p99_ms"]!.DeepClone(),
        ["loadavg"] = LoadAverage(),
    });
    return 0;
}
finally
{
    foreach (var relay in relays)
    {
        relay.Dispose();
    }

    Directory.Delete(root, recursive: true);
}

static async Task<JsonObject> ThroughputAsync(HttpClient a, HttpClient b, int aPid, int bPid, List<MixDescriptor> descriptors, int count, int concurrency, bool batched)
{
    var sphinx = new Sphinx(new SphinxGeometry(SphinxGeometry.HopLimit, MixMessages.SmallMessageLength));
    var now = DateTimeOffset.UtcNow;
    PathHop[] path =
    [
        new(descriptors[0].NodeId, descriptors[0].KeyAt(now).PublicKey),
        new(descriptors[1].NodeId, descriptors[1].KeyAt(now).PublicKey, recipient: new byte[SphinxGeometry.RecipientIdLength]),
    ];
    var message = RandomNumberGenerator.GetBytes(EnvelopeSizes.Small);
    int warmUp = count / 2;
    var built = new byte[warmUp + count][];
    Parallel.For(0, built.Length, i => built[i] = sphinx.CreatePacket(path, message));
    // Half as many again first, not measured, in four rounds each followed by 1 s idle: the runtime compiles
    // hot methods again, optimized, in stages and on a background thread (slowly on a loaded machine), and a
    // relay in service has long done so. Without the pauses that compilation was a fifth of A's CPU time in
    // the measured window (perf).
    foreach (var round in built[..warmUp].Chunk((warmUp + 3) / 4))
    {
        long forwardedFirst = await CountAsync(a, "forwarded"), droppedFirst = await CountAsync(b, "dropped_other_recipient");
        await SendAsync(a, round, concurrency, batched);
        await DrainAsync(a, b, round.Length, forwardedFirst, droppedFirst);
        await Task.Delay(1000);
    }

    long forwardedBefore = await CountAsync(a, "forwarded"), droppedBefore = await CountAsync(b, "dropped_other_recipient");
    double loadBefore = LoadAverage();
    var (aCpu, bCpu) = (CpuSeconds(aPid), CpuSeconds(bPid));
    var clock = Stopwatch.StartNew();
    var (busy, refused) = await SendAsync(a, built[warmUp..], concurrency, batched);
    var (forwarded, dropped) = await DrainAsync(a, b, count - refused, forwardedBefore, droppedBefore);
    var elapsed = clock.Elapsed.TotalSeconds;
    var (aUsed, bUsed) = (CpuSeconds(aPid) - aCpu, CpuSeconds(bPid) - bCpu);
    return new JsonObject
    {
        ["what"] = batched ? "throughput_middle" : "throughput",
        ["posted"] = batched ? "batches of up to 64" : "one packet per request",
        ["senders"] = concurrency,
        ["packet_bytes"] = sphinx.Geometry.PacketLength,
        ["warm_up_packets"] = warmUp,
        ["forwarded"] = forwarded,
        ["refused"] = refused,
        ["busy_retries"] = busy,
        ["seconds"] = Math.Round(elapsed, 2),
        ["relay_a_cpu_seconds"] = Math.Round(aUsed, 2),
        ["relay_b_cpu_seconds"] = Math.Round(bUsed, 2),
        ["forwarded_per_second"] = Math.Round(forwarded / elapsed),
        ["forwarded_per_cpu_second"] = Math.Round(forwarded / aUsed),
        ["discarded_per_cpu_second_at_b"] = Math.Round(dropped / bUsed),
        ["a_outcomes"] = await OutcomesAsync(a),
        ["b_outcomes"] = await OutcomesAsync(b),
        ["loadavg_before"] = loadBefore,
        ["loadavg_after"] = LoadAverage(),
    };
}

// Posts every packet to A from concurrency senders, alone or in batches; a 503 (the mix holds its maximum) is retried.
static async Task<(int Busy, int Refused)> SendAsync(HttpClient a, byte[][] built, int concurrency, bool batched)
{
    int next = -1, busy = 0, refused = 0;
    if (batched)
    {
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var batch = new List<byte[]>();
            while (true)
            {
                // Retried packets first, then new ones up to the relay's 64 per batch.
                for (int i; batch.Count < 64 && (i = Interlocked.Increment(ref next)) < built.Length;)
                {
                    batch.Add(built[i]);
                }

                if (batch.Count == 0)
                {
                    return;
                }

                var body = new byte[batch.Sum(p => 4 + p.Length)];
                int offset = 0;
                foreach (var packet in batch)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(offset), packet.Length);
                    packet.CopyTo(body, offset + 4);
                    offset += 4 + packet.Length;
                }

                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.courier.mix-batch");
                using var response = await a.PostAsync("/v1/mix/batches", content);
                var statuses = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK || statuses.Length != 2 * batch.Count)
                {
                    throw new InvalidOperationException($"the batch was refused whole: {(int)response.StatusCode}");
                }

                var retry = new List<byte[]>();
                for (int i = 0; i < batch.Count; i++)
                {
                    int status = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(statuses.AsSpan(2 * i));
                    if (status == 503)
                    {
                        Interlocked.Increment(ref busy);
                        retry.Add(batch[i]);
                    }
                    else if (status != 202)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }

                if (retry.Count > 0)
                {
                    await Task.Delay(5);
                }

                batch = retry;
            }
        })));

        return (busy, refused);
    }

    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        for (int i = Interlocked.Increment(ref next); i < built.Length; i = Interlocked.Increment(ref next))
        {
            while (true)
            {
                using var content = new ByteArrayContent(built[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var response = await a.PostAsync("/v1/mix/packets", content);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    // The mix holds its maximum; the packet was not unwrapped, so the same one again.
                    Interlocked.Increment(ref busy);
                    await Task.Delay(5);
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref refused);
                }

                break;
            }
        }
    })));

    return (busy, refused);
}

// Until A has forwarded what it accepted and B discarded it, at most 60 s: the counts since the given ones.
static async Task<(long Forwarded, long Dropped)> DrainAsync(HttpClient a, HttpClient b, long expected, long forwardedBefore, long droppedBefore)
{
    long forwarded = 0, dropped = 0;
    for (var drain = Stopwatch.StartNew(); drain.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(20))
    {
        forwarded = await CountAsync(a, "forwarded") - forwardedBefore;
        dropped = await CountAsync(b, "dropped_other_recipient") - droppedBefore;
        if (forwarded >= expected && dropped >= forwarded)
        {
            break;
        }
    }

    return (forwarded, dropped);
}

static async Task<JsonObject> LatencyAsync(List<RelayProcess> relays, List<byte[]> pins, HttpClient storing, int samples)
{
    var addresses = relays.Select(r => HttpRelay.AddressOf(r.Address)).ToList();
    var options = new NodeOptions { AllowInsecureHttp = true, Bind = IPAddress.Parse("127.0.0.70"), MixDelay = TimeSpan.Zero };
    using var mixed = new HttpClient(new MixHandler(addresses[2], addresses, pins, options)) { BaseAddress = relays[2].Address, Timeout = TimeSpan.FromSeconds(60) };
    var client = new RelayClient(mixed);
    var direct = new RelayClient(storing);
    var drop = DropName.NewRandom();
    using var readKey = DropReadKey.Create();
    await client.CreateDropAsync(drop, readKey, null);
    var envelope = new byte[EnvelopeSizes.Small];
    const int WarmUp = 20;
    var roundTrips = new List<double>();
    var oneWays = new List<double>();
    double loadBefore = LoadAverage();
    long last = 0;
    for (int i = 0; i < WarmUp + samples; i++)
    {
        var waiting = direct.FetchAsync(drop, readKey, last, TimeSpan.FromSeconds(30));
        await Task.Delay(2); // the long-poll is waiting at C before the append leaves
        var start = Stopwatch.GetTimestamp();
        var seen = waiting.ContinueWith(_ => Stopwatch.GetElapsedTime(start).TotalMilliseconds, TaskScheduler.Default);
        last = (await client.AppendAsync(drop, null, envelope, MessageId.NewRandom())).Seq;
        var roundTrip = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var oneWay = await seen;
        if ((await waiting).Envelopes.Count != 1)
        {
            throw new InvalidOperationException("the long-poll on the storing relay did not see the append");
        }

        if (i >= WarmUp)
        {
            roundTrips.Add(roundTrip);
            oneWays.Add(oneWay);
        }
    }

    return new JsonObject
    {
        ["what"] = "latency",
        ["samples"] = samples,
        ["round_trip_p50_ms"] = Percentile(roundTrips, 0.50),
        ["round_trip_p99_ms"] = Percentile(roundTrips, 0.99),
        ["one_way_p50_ms"] = Percentile(oneWays, 0.50),
        ["one_way_p99_ms"] = Percentile(oneWays, 0.99),
        ["loadavg_before"] = loadBefore,
        ["loadavg_after"] = LoadAverage(),
    };
}

static async Task<long> CountAsync(HttpClient relay, string outcome)
{
    var metrics = await relay.GetStringAsync("/metrics");
    var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith($"courier_mix_packets_total{{outcome=\"{outcome}\"}} ", StringComparison.Ordinal));
    return line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}

// Every courier_mix_packets_total outcome of the relay (warm-up included).
static async Task<JsonObject> OutcomesAsync(HttpClient relay)
{
    var outcomes = new JsonObject();
    foreach (var line in (await relay.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("courier_mix_packets_total{outcome=\"", StringComparison.Ordinal)))
    {
        outcomes[line.Split('"')[1]] = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    return outcomes;
}

// utime + stime of every thread of the process, in seconds (clock ticks of 10 ms).
static double CpuSeconds(int pid)
{
    var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return Math.Round(sorted[(int)Math.Ceiling(p * sorted.Count) - 1], 2);
}

static double LoadAverage() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

static void Emit(JsonObject line) => Console.WriteLine(line.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
