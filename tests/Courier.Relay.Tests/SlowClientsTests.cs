using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Courier.Relay.Client;
using Xunit.Abstractions;

namespace Courier.Relay.Tests;

/// <summary>
/// Issue 13, must-hold 3: 10,000 concurrent slow connections (bodies at 1 byte per second, long-polls
/// on nameplates) keep a relay process's resident memory under 512 MiB while an honest client is
/// served. The relay runs with the defaults of <c>courier relay serve</c>.
/// </summary>
public sealed class SlowClientsTests(ITestOutputHelper output)
{
    private const int Connections = 10_000;
    private const int Addresses = 40; // 250 connections each: within the per-address limits of connections (512), not of long-polls (128)
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(10);

    [ManyFilesFact]
    public async Task Ten_thousand_slow_connections_keep_the_relay_under_512_MiB_and_honest_clients_served()
    {
        var watch = Stopwatch.StartNew();
        using var dir = new TempDirectory();
        int port = RelayProcess.FreePort();
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{port}", "--data", dir.Path);
        using var honestHttp = new HttpClient { BaseAddress = relay.Address, Timeout = TimeSpan.FromSeconds(30) };
        var honest = new RelayClient(honestHttp);

        // Each attacking address holds a drop of its own (so its bodies pass the existence check) and a nameplate.
        var targets = await Task.WhenAll(Enumerable.Range(0, Addresses).Select(async i =>
        {
            using var http = AbuseTests.FromAddress(relay.Address, Source(i));
            var client = new RelayClient(http);
            using var key = DropReadKey.Create();
            var drop = DropName.NewRandom();
            await client.CreateDropAsync(drop, key, null);
            return (Drop: drop, Nameplate: await client.AllocateNameplateAsync());
        }));

        var slow = new List<Slow>(Connections);
        for (int i = 0; i < Connections; i++)
        {
            int address = i % Addresses;
            slow.Add(new Slow(Source(address), port, i % 2 == 0
                ? LimitsTests.AppendHeaders(targets[address].Drop, EnvelopeSizes.Max)
                : $"GET /v1/nameplates/{targets[address].Nameplate.Number}/envelopes?after=0&wait=60 HTTP/1.1\r\nHost: relay\r\nCourier-Nameplate-Claim: {targets[address].Nameplate.Claim}\r\n\r\n",
                trickles: i % 2 == 0));
        }

        // Connect in batches, as fast as the listen backlog takes them.
        foreach (var batch in slow.Chunk(500))
        {
            await Task.WhenAll(batch.Select(s => s.OpenAsync()));
        }

        var connected = watch.Elapsed;
        long maxRss = ResidentBytes(relay.ProcessId);
        var roundTimes = new List<double>();
        int rounds = 0, reconnects = 0;
        var failures = new List<string>();
        using var stop = new CancellationTokenSource(Hold);
        var honestRounds = Task.Run(async () =>
        {
            using var key = DropReadKey.Create();

            // One drop, created under the flood: creations are 60 a minute per address, and an honest
            // client creates a few drops per cell and epoch, not one per request.
            var drop = DropName.NewRandom();
            long last = 0;
            try
            {
                await honest.CreateDropAsync(drop, key, null);
            }
            catch (Exception e) when (e is RelayRequestException or HttpRequestException or TaskCanceledException)
            {
                failures.Add(e.Message);
                return;
            }

            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // Nameplates in the first rounds only: allocations and joins are 10 a minute per address.
                    var round = Stopwatch.StartNew();
                    last = await HonestRoundAsync(honest, drop, key, last, withNameplate: rounds < 8);
                    roundTimes.Add(Math.Round(round.Elapsed.TotalSeconds, 1));
                    rounds++;
                }
                catch (Exception e) when (e is RelayRequestException or HttpRequestException or TaskCanceledException)
                {
                    failures.Add(e.Message);
                }
            }
        });

        // Once a second every trickling body gets one more byte; a connection the relay closed is opened again.
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(1000);
            var closed = slow.Where(s => !s.Trickle()).ToList();
            reconnects += closed.Count;
            await Task.WhenAll(closed.Select(s => s.OpenAsync()));
            maxRss = Math.Max(maxRss, ResidentBytes(relay.ProcessId));
            Assert.True(slow.Count(s => s.IsOpen) >= Connections * 9 / 10, "fewer slow connections than meant were open");
        }

        await honestRounds;
        slow.ForEach(s => s.Dispose());
        output.WriteLine($"{Connections} slow connections from {Addresses} addresses for {Hold.TotalSeconds} s: relay VmRSS max {maxRss / 1048576} MiB; {reconnects} reconnects of closed trickles; {rounds} honest rounds ({string.Join(", ", roundTimes)} s), {failures.Count} failures; connected after {connected.TotalSeconds:F0} s, {watch.Elapsed.TotalSeconds:F0} s in all");
        Assert.Empty(failures);
        Assert.True(rounds >= 3, $"only {rounds} honest rounds");
        Assert.True(reconnects > 0, "the relay closed no trickled body");
        Assert.True(maxRss < 512L * 1024 * 1024, $"the relay's resident memory reached {maxRss / 1048576} MiB");
    }

    /// <summary>Append 64 KiB after <paramref name="last"/>, a long-poll answered by an append, fetch, trim; a nameplate allocated, joined and used. Returns the drop's last sequence number.</summary>
    private static async Task<long> HonestRoundAsync(RelayClient client, DropName drop, DropReadKey key, long last, bool withNameplate)
    {
        var first = (await client.AppendAsync(drop, null, new byte[EnvelopeSizes.Max], MessageId.NewRandom())).Seq;
        Assert.Equal(last + 1, first);
        var waiting = client.FetchAsync(drop, key, first, TimeSpan.FromSeconds(20));
        await client.AppendAsync(drop, null, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
        Assert.Equal(first + 1, Assert.Single((await waiting).Envelopes).Seq);
        Assert.Equal(2, (await client.FetchAsync(drop, key, last)).Envelopes.Count);
        await client.TrimAsync(drop, key, first + 1);
        if (!withNameplate)
        {
            return first + 1;
        }

        var inviter = await client.AllocateNameplateAsync();
        var acceptor = await client.JoinNameplateAsync(inviter.Number);
        await client.AppendToNameplateAsync(inviter, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
        Assert.Single((await client.FetchNameplateAsync(acceptor, 0)).Envelopes);
        await client.ReleaseNameplateAsync(inviter);
        return first + 1;
    }

    private static IPAddress Source(int address) => IPAddress.Parse($"127.0.0.{10 + address}");

    private static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS line");
    }

    /// <summary>One slow connection: a request whose headers are sent at once and whose body (if any) trickles.</summary>
    private sealed class Slow(IPAddress source, int port, string headers, bool trickles) : IDisposable
    {
        private static readonly byte[] OneByte = [0];
        private Socket? _socket;

        public bool IsOpen => _socket is not null;

        public async Task OpenAsync()
        {
            _socket?.Dispose();
            _socket = null;
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(IPAddress.Loopback, port);
                await socket.SendAsync(Encoding.ASCII.GetBytes(headers));
                _socket = socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }

        /// <summary>Sends the next body byte; false when the relay has closed or answered the connection.</summary>
        public bool Trickle()
        {
            if (_socket is not { } socket)
            {
                return false;
            }

            try
            {
                // Readable means an answer (a refusal) or a close: either way this request is over.
                if (socket.Poll(0, SelectMode.SelectRead))
                {
                    return !trickles && socket.Available > 0;
                }

                if (trickles)
                {
                    socket.Send(OneByte);
                }

                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        public void Dispose() => _socket?.Dispose();
    }

    /// <summary>A fact that needs room for 10,000 sockets in this process and in the relay it starts (which inherits the limit).</summary>
    private sealed class ManyFilesFactAttribute : FactAttribute
    {
        public ManyFilesFactAttribute()
        {
            // .NET raises its soft limit of open files to the hard one at start; the relay process inherits it.
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
            if (soft is null || (soft != "unlimited" && long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture) < Connections + 2_000))
            {
                Skip = $"this process may open only {soft ?? "an unknown number of"} files; the test needs {Connections + 2_000} (raise the hard limit: ulimit -Hn)";
            }
        }
    }
}
