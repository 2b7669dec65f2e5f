using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Courier.Relay;
using Courier.Relay.Client;
using Courier.Relay.Load;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Memory;
using Courier.Relay.Storage.Nats;
using Courier.Relay.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

// Load generator for the relay: durable appends per second and latency at 1, 8 and 64 clients,
// fetch throughput, each store's own baseline with the same durability, and 100,000 idle drops.
// Every line printed is one JSON object; the last one is the summary.
int seconds = 60;
int dropCount = 100_000;
string stores = "sqlite,nats";
string? natsUrls = null;
bool attack = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds" when i + 1 < args.Length:
            seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--drops" when i + 1 < args.Length:
            dropCount = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--stores" when i + 1 < args.Length:
            stores = args[++i];
            break;
        case "--nats" when i + 1 < args.Length:
            natsUrls = args[++i];
            break;
        case "--attack":
            // Only the attack comparison (issue 13, must-hold 1): honest p99 without and with an attacker process.
            attack = true;
            break;
        case "--attacker" when i + 1 < args.Length:
            // The attacker process that --attack starts.
            return await Attack.FloodAsync(new Uri(args[++i]));
        case "--hash-flood":
            // Only the hash-flooding comparison (issue 13): names sharing a prefix against random ones.
            foreach (var line in HashFlood.Run(100_000))
            {
                Emit(line);
            }

            return 0;
        default:
            Console.Error.WriteLine("usage: Courier.Relay.Load [--seconds N] [--drops N] [--stores sqlite,nats] [--nats url[,url...]] [--attack] | --hash-flood");
            return 2;
    }
}

// As `courier relay serve` does: enough pool threads that bursts of requests do not wait for the
// pool to grow (the baselines run in this process too and get the same pool).
ThreadPool.SetMinThreads(64, 64);
var started = Stopwatch.StartNew();
var selected = stores.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (attack)
{
    var attackSummary = new JsonObject();
    foreach (var store in selected)
    {
        LocalNatsCluster? cluster = store == "nats" && natsUrls is null ? await LocalNatsCluster.StartAsync() : null;
        try
        {
            // The relay's per-address request rate as `courier relay serve` has it, so the attacker's
            // full rate is what five addresses are allowed.
            await using var relay = await StartRelayAsync(store, natsUrls ?? cluster?.Urls, requestRate: new RelayOptions().RequestsPerSecondPerClient, inProgress: new RelayOptions().RequestsInProgressPerClient);
            var result = await Attack.MeasureAsync(store, relay.Host.Address, relay.Client, TimeSpan.FromSeconds(seconds));
            Emit(result);
            attackSummary[store] = result["worst_ratio"]!.DeepClone();
        }
        finally
        {
            cluster?.Dispose();
        }
    }

    Emit(new JsonObject { ["what"] = "attack_worst_p99_ratio", ["by_store"] = attackSummary, ["seconds"] = Math.Round(started.Elapsed.TotalSeconds, 1) });
    return 0;
}

int[] clientCounts = [1, 8, 64];
int[] signedClientCounts = [1, 8];
// Per store: relay and baseline at each client count, plus fetch. Fixed costs (starting a NATS
// cluster and a relay that creates its streams, settling memory in the drops test) are set aside.
int phases = selected.Length * ((clientCounts.Length * 2) + 1 + signedClientCounts.Length);
double dropsSeconds = dropCount > 0 ? Math.Max(30, seconds * 0.3) : 0;
double fixedSeconds = 10 + (selected.Contains("nats") ? 15 : 0);
var phase = TimeSpan.FromSeconds(Math.Max(1.0, (seconds - fixedSeconds - dropsSeconds) / phases));
var summary = new JsonObject();
Emit(new JsonObject { ["what"] = "config", ["seconds"] = seconds, ["phase_seconds"] = phase.TotalSeconds, ["envelope_bytes"] = EnvelopeSizes.Small, ["cores"] = Environment.ProcessorCount });

// First, in a fresh process, so that no earlier phase leaves memory behind that skews the readings.
if (dropCount > 0)
{
    Emit(await IdleDropsAsync(dropCount, TimeSpan.FromSeconds(dropsSeconds)));
}

foreach (var store in selected)
{
    LocalNatsCluster? cluster = null;
    try
    {
        string? urls = null;
        if (store == "nats")
        {
            if (natsUrls is null)
            {
                if (LocalNatsCluster.Binary is null)
                {
                    Emit(new JsonObject { ["store"] = "nats", ["skipped"] = "nats-server is not installed (apt-get install nats-server)" });
                    continue;
                }

                cluster = await LocalNatsCluster.StartAsync();
            }

            urls = natsUrls ?? cluster!.Urls;
        }

        var result = new JsonObject();
        await using (var relay = await StartRelayAsync(store, urls))
        {
            var drops = new List<DropName>();
            using var key = DropReadKey.Create();
            foreach (int clients in clientCounts)
            {
                // Baseline and relay back to back, so drifting load on a shared machine affects both alike.
                var baseline = store switch
                {
                    "sqlite" => await SqliteBaselineAsync(clients, phase),
                    "memory" => new Measured(0, 0, 0, 0),
                    _ => await NatsBaselineAsync(urls!, clients, phase),
                };
                Emit(new JsonObject { ["store"] = store, ["what"] = "baseline_append", ["clients"] = clients, ["appends_per_s"] = baseline.PerSecond, ["p50_ms"] = baseline.P50, ["p99_ms"] = baseline.P99, ["process_cpu_us_per_op"] = baseline.CpuMicrosPerOp });
                var measured = await RelayAppendsAsync(relay.Client, key, clients, phase, drops);
                Emit(new JsonObject { ["store"] = store, ["what"] = "relay_append", ["clients"] = clients, ["appends_per_s"] = measured.PerSecond, ["p50_ms"] = measured.P50, ["p99_ms"] = measured.P99, ["process_cpu_us_per_op"] = measured.CpuMicrosPerOp });
                if (clients == 8)
                {
                    result["relay_appends_per_s"] = measured.PerSecond;
                    result["baseline_appends_per_s"] = baseline.PerSecond;
                }
            }

            var (envelopesPerSecond, fetches) = await RelayFetchAsync(relay.Client, key, drops, phase);
            Emit(new JsonObject { ["store"] = store, ["what"] = "relay_fetch", ["readers"] = 8, ["envelopes_per_s"] = envelopesPerSecond, ["mib_per_s"] = Math.Round(envelopesPerSecond * EnvelopeSizes.Small / 1048576.0, 1), ["fetch_requests"] = fetches });
            result["fetch_envelopes_per_s"] = envelopesPerSecond;
            foreach (int clients in signedClientCounts)
            {
                var (signed, busy) = await SignedRequestsAsync(relay.Client, key, clients, phase);
                Emit(new JsonObject { ["store"] = store, ["what"] = "signed_fetch_trim", ["clients"] = clients, ["requests_per_s"] = signed.PerSecond, ["p50_ms"] = signed.P50, ["p99_ms"] = signed.P99, ["process_cpu_us_per_op"] = signed.CpuMicrosPerOp, ["busy"] = busy });
                if (clients == 1)
                {
                    result["signed_requests_per_s_1_client"] = signed.PerSecond;
                }
            }
        }

        double relayRate = result["relay_appends_per_s"]!.GetValue<double>();
        double baselineRate = result["baseline_appends_per_s"]!.GetValue<double>();
        result["ratio"] = baselineRate > 0 ? Math.Round(relayRate / baselineRate, 2) : null;
        summary[store] = result;
    }
    finally
    {
        cluster?.Dispose();
    }
}

if (summary["sqlite"]?["fetch_envelopes_per_s"] is { } sqliteFetch && summary["nats"]?["fetch_envelopes_per_s"] is { } natsFetch && sqliteFetch.GetValue<double>() > 0)
{
    summary["nats_vs_sqlite_fetch"] = Math.Round(natsFetch.GetValue<double>() / sqliteFetch.GetValue<double>(), 3);
}

Emit(new JsonObject { ["what"] = "elapsed", ["seconds"] = Math.Round(started.Elapsed.TotalSeconds, 1) });
Emit(summary);
return 0;

static void Emit(JsonObject line) => Console.WriteLine(line.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

// The throughput phases measure the relay, not its per-address limits: many clients share 127.0.0.1.
static async Task<RunningRelay> StartRelayAsync(string store, string? urls, TimeSpan? freshness = null, int requestRate = 0, int inProgress = 0)
{
    var dir = Path.Combine(Path.GetTempPath(), "courier-load-" + Guid.NewGuid().ToString("N"));
    IDropStore dropStore = store switch
    {
        "sqlite" => SqliteDropStore.Open(dir),
        "memory" => new InMemoryDropStore(),
        _ => await NatsDropStore.ConnectAsync(urls!, replicas: 3),
    };
    var options = new RelayOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), RequestsPerSecondPerClient = requestRate, RequestsInProgressPerClient = inProgress, DropCreationsPerMinute = 0, MaxEnvelopesPerDrop = 10_000_000, FreshnessWindow = freshness ?? TimeSpan.FromSeconds(60) };
    var host = await RelayHost.StartAsync(options, dropStore, logging => logging.SetMinimumLevel(LogLevel.Warning));
    var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) }) { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(120) };
    return new RunningRelay(host, http, new RelayClient(http), dir);
}

static async Task<Measured> RelayAppendsAsync(RelayClient client, DropReadKey key, int clients, TimeSpan duration, List<DropName> drops)
{
    var mine = Enumerable.Range(0, clients).Select(_ => DropName.NewRandom()).ToArray();
    foreach (var drop in mine)
    {
        await client.CreateDropAsync(drop, key, null);
    }

    drops.AddRange(mine);
    var envelope = new byte[EnvelopeSizes.Small];
    Random.Shared.NextBytes(envelope);
    return await RunAsync(clients, duration, async i => await client.AppendAsync(mine[i], null, envelope, MessageId.NewRandom()));
}

static async Task<(double PerSecond, long Fetches)> RelayFetchAsync(RelayClient client, DropReadKey key, List<DropName> drops, TimeSpan duration)
{
    long envelopes = 0;
    long fetches = 0;
    var clock = Stopwatch.StartNew();
    var readers = Enumerable.Range(0, 8).Select(r => Task.Run(async () =>
    {
        // Each reader walks whole drops from the start, page by page, until time is up.
        for (int d = r; clock.Elapsed < duration; d = (d + 8) % drops.Count)
        {
            long after = 0;
            while (clock.Elapsed < duration)
            {
                var page = await client.FetchAsync(drops[d], key, after, limit: 256);
                Interlocked.Increment(ref fetches);
                if (page.Envelopes.Count == 0)
                {
                    break;
                }

                Interlocked.Add(ref envelopes, page.Envelopes.Count);
                after = page.Envelopes[^1].Seq;
            }
        }
    })).ToArray();
    await Task.WhenAll(readers);
    return (Math.Round(envelopes / clock.Elapsed.TotalSeconds), fetches);
}

static async Task<(Measured Measured, long Busy)> SignedRequestsAsync(RelayClient client, DropReadKey key, int clients, TimeSpan duration)
{
    // What a node does around each send: small signed requests, each waiting for its answer. Every
    // client alternates a fetch of nothing new and a trim of nothing on its own drop of one envelope,
    // so each request costs its signature check and its nonce write, and no data. A 429 (the drop's
    // replay window for the second is full) is counted, not retried.
    var mine = Enumerable.Range(0, clients).Select(_ => DropName.NewRandom()).ToArray();
    foreach (var drop in mine)
    {
        await client.CreateDropAsync(drop, key, null);
        await client.AppendAsync(drop, null, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
    }

    var turns = new int[clients];
    long busy = 0;
    var measured = await RunAsync(clients, duration, async i =>
    {
        try
        {
            if (turns[i]++ % 2 == 0)
            {
                await client.FetchAsync(mine[i], key, after: 1, limit: 1);
            }
            else
            {
                await client.TrimAsync(mine[i], key, through: 0);
            }
        }
        catch (RelayRequestException e) when (e.Status == 429)
        {
            Interlocked.Increment(ref busy);
        }
    });
    return (measured, busy);
}

static async Task<Measured> SqliteBaselineAsync(int clients, TimeSpan duration)
{
    // The same durability as the relay: WAL, synchronous=FULL, and each insert committed (fsynced)
    // before its client goes on; one connection, as SQLite has one writer.
    var dir = Path.Combine(Path.GetTempPath(), "courier-baseline-" + Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(dir);
    try
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dir, "baseline.db")};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE envelopes (id INTEGER PRIMARY KEY, data BLOB NOT NULL);";
            setup.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO envelopes (data) VALUES ($data)";
        var data = insert.Parameters.Add("$data", SqliteType.Blob);
        var envelope = new byte[EnvelopeSizes.Small];
        Random.Shared.NextBytes(envelope);
        using var gate = new SemaphoreSlim(1, 1);
        return await RunAsync(clients, duration, async _ =>
        {
            await gate.WaitAsync();
            try
            {
                data.Value = envelope;
                insert.ExecuteNonQuery();
            }
            finally
            {
                gate.Release();
            }
        });
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }
}

static async Task<Measured> NatsBaselineAsync(string urls, int clients, TimeSpan duration)
{
    // The same durability as the relay's NATS store: an R3 file stream, each publish awaiting its ack.
    await using var nats = new NatsConnection(NatsOpts.Default with { Url = urls });
    await nats.ConnectAsync();
    var js = new NatsJSContext(nats);
    string name = "BASELINE_" + clients.ToString(CultureInfo.InvariantCulture);
    await js.CreateOrUpdateStreamAsync(new StreamConfig(name, [$"baseline.{clients}.*"]) { NumReplicas = 3, Storage = StreamConfigStorage.File });
    var envelope = new byte[EnvelopeSizes.Small];
    Random.Shared.NextBytes(envelope);
    try
    {
        return await RunAsync(clients, duration, async i =>
        {
            var ack = await js.PublishAsync($"baseline.{clients}.{i}", envelope, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString("N") });
            ack.EnsureSuccess();
        });
    }
    finally
    {
        await js.DeleteStreamAsync(name);
    }
}

static async Task<Measured> RunAsync(int clients, TimeSpan duration, Func<int, Task> operation)
{
    var latencies = new LatencyRecorder();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
    {
        while (clock.Elapsed < duration)
        {
            long start = Stopwatch.GetTimestamp();
            await operation(i);
            latencies.Add(Stopwatch.GetElapsedTime(start));
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    return new Measured(Math.Round(latencies.Count / clock.Elapsed.TotalSeconds), latencies.PercentileMs(50), latencies.PercentileMs(99), Math.Round(cpu.TotalMicroseconds / Math.Max(1, latencies.Count), 1));
}

static async Task<JsonObject> IdleDropsAsync(int count, TimeSpan budget)
{
    // The relay's memory with many idle drops, created through the API. Memory is read after full
    // collections with 0, half and all drops in place; the second half's growth is the marginal
    // cost of an idle drop (the first half also pays one-off costs: pools, caches, JIT). The replay
    // cache holds each signed request's nonce for the freshness window, so a short window here lets
    // the readings see idle drops rather than the nonces of the creation burst.
    var window = TimeSpan.FromSeconds(1);
    await using var relay = await StartRelayAsync("sqlite", null, window);
    using var key = DropReadKey.Create();
    var sample = new List<DropName>();
    await relay.Client.CreateDropAsync(DropName.NewRandom(), key, null);
    var clock = Stopwatch.StartNew();
    var (managed0, workingSet0) = await SettledMemoryAsync(relay.Client, key, window);
    int next = 0;
    async Task CreateUpToAsync(int limit)
    {
        var creators = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < budget)
            {
                int n = Interlocked.Increment(ref next);
                if (n > limit)
                {
                    Interlocked.Decrement(ref next);
                    return;
                }

                var drop = DropName.NewRandom();
                await relay.Client.CreateDropAsync(drop, key, null);
                if (n % 100 == 0)
                {
                    lock (sample)
                    {
                        sample.Add(drop);
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(creators);
    }

    var createClock = Stopwatch.StartNew();
    await CreateUpToAsync(count / 2);
    var createSeconds = createClock.Elapsed.TotalSeconds;
    int half = next;
    var (managed1, workingSet1) = await SettledMemoryAsync(relay.Client, key, window);
    createClock.Restart();
    await CreateUpToAsync(count);
    createSeconds += createClock.Elapsed.TotalSeconds;
    int created = next;
    var (managed2, workingSet2) = await SettledMemoryAsync(relay.Client, key, window);
    long stored = await relay.Host.Store.CountDropsAsync(default);

    // Still served: one envelope through each of the sampled drops.
    bool served = true;
    var envelope = new byte[EnvelopeSizes.Small];
    foreach (var drop in sample)
    {
        await relay.Client.AppendAsync(drop, null, envelope, MessageId.NewRandom());
        served &= (await relay.Client.FetchAsync(drop, key, 0)).Envelopes.Count == 1;
    }

    int secondHalf = Math.Max(1, created - half);
    return new JsonObject
    {
        ["what"] = "idle_drops",
        ["drops"] = stored,
        ["created_per_s"] = Math.Round(created / createSeconds),
        ["marginal_managed_bytes_per_drop"] = Math.Round((double)(managed2 - managed1) / secondHalf, 1),
        ["marginal_working_set_bytes_per_drop"] = Math.Round((double)(workingSet2 - workingSet1) / secondHalf, 1),
        ["total_managed_bytes_per_drop"] = Math.Round((double)(managed2 - managed0) / Math.Max(1, created), 1),
        ["total_working_set_bytes_per_drop"] = Math.Round((double)(workingSet2 - workingSet0) / Math.Max(1, created), 1),
        ["sampled_drops_served"] = served ? sample.Count : -1,
    };
}

static async Task<(long Managed, long WorkingSet)> SettledMemoryAsync(RelayClient client, DropReadKey key, TimeSpan window)
{
    // Let the nonces of recent signed requests expire, then make one more so the cache sweeps them.
    await Task.Delay(window * 2 + TimeSpan.FromSeconds(2));
    await client.CreateDropAsync(DropName.NewRandom(), key, null);
    return Memory();
}

static (long Managed, long WorkingSet) Memory()
{
    for (int i = 0; i < 3; i++)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    using var process = Process.GetCurrentProcess();
    process.Refresh();
    return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
}

/// <param name="CpuMicrosPerOp">CPU time of this process (clients, and the relay when it runs here) per operation.</param>
internal readonly record struct Measured(double PerSecond, double P50, double P99, double CpuMicrosPerOp);

internal sealed record RunningRelay(RelayHost Host, HttpClient Http, RelayClient Client, string Directory) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The NATS store keeps nothing on the relay's disk.
        }
    }
}
