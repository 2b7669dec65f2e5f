using System.Net;
using System.Net.Sockets;
using System.Text;
using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>
/// Each of the relay's resource limits (issue 13, "every resource bounded"), tried as a stranger
/// would: over the limit it refuses with its typed error, and other addresses stay served.
/// </summary>
public sealed class LimitsTests
{
    private static byte[] Envelope(int size = EnvelopeSizes.Small) => new byte[size];

    [Fact]
    public async Task An_append_is_refused_before_its_body_when_the_drop_is_unknown_or_the_size_not_allowed()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);

        // Headers only: the relay answers without waiting for (or buffering) a byte of the body.
        Assert.Contains("404", await HeadersOnlyAppendAsync(relay, DropName.NewRandom(), EnvelopeSizes.Max));
        Assert.Contains("no_such_drop", await HeadersOnlyAppendAsync(relay, DropName.NewRandom(), EnvelopeSizes.Max));
        Assert.Contains("bad_envelope_size", await HeadersOnlyAppendAsync(relay, drop, 5000));
        Assert.Contains("413", await HeadersOnlyAppendAsync(relay, drop, EnvelopeSizes.Max + 1));
        Assert.Equal(1, (await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom())).Seq);
    }

    [Fact]
    public async Task Long_polls_are_bounded_per_address_and_in_total()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions { Listen = o.Listen, RequestsPerSecondPerClient = 0, DropCreationsPerMinute = 0, MaxLongPolls = 3, MaxLongPollsPerClient = 2 });
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        using var a = AbuseTests.FromAddress(relay.Host.Address, IPAddress.Parse("127.0.0.2"));
        using var b = AbuseTests.FromAddress(relay.Host.Address, IPAddress.Parse("127.0.0.3"));
        using var c = AbuseTests.FromAddress(relay.Host.Address, IPAddress.Parse("127.0.0.4"));
        // Three from one address: whichever comes last is refused, and only then, so two are held.
        var fromA = Enumerable.Range(0, 3).Select(_ => LongPoll(a)).ToList();
        var perAddress = await RefusedAsync(fromA);
        Assert.Equal((429, "too_many_long_polls"), (perAddress.Status, perAddress.Error));

        // Two more addresses for the one slot left: one is held, the other finds the relay full.
        var fromOthers = new List<Task<FetchResult>> { LongPoll(b), LongPoll(c) };
        var total = await RefusedAsync(fromOthers);
        Assert.Equal((503, "long_polls_full"), (total.Status, total.Error));
        // A fetch that need not wait is served all along.
        Assert.Empty((await new RelayClient(c).FetchAsync(drop, key, 0)).Envelopes);

        // An append answers the three held, which frees their slots for the next.
        await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom());
        var held = fromA.Concat(fromOthers).Where(t => !t.IsFaulted).ToList();
        Assert.Equal(3, held.Count);
        Assert.All(await Task.WhenAll(held), r => Assert.Single(r.Envelopes));
        var next = new RelayClient(c).FetchAsync(drop, key, 1, TimeSpan.FromSeconds(30));
        await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom());
        Assert.Equal(2, Assert.Single((await next).Envelopes).Seq);

        Task<FetchResult> LongPoll(HttpClient http) => new RelayClient(http).FetchAsync(drop, key, 0, TimeSpan.FromSeconds(30));

        // The one refused among long-polls sent together; the others must still be waiting.
        static async Task<RelayRequestException> RefusedAsync(List<Task<FetchResult>> polls)
        {
            var first = await Task.WhenAny(polls).WaitAsync(TimeSpan.FromSeconds(20));
            var refused = await Assert.ThrowsAsync<RelayRequestException>(() => first);
            Assert.All(polls.Where(p => p != first), p => Assert.False(p.IsCompleted));
            return refused;
        }
    }

    [Fact]
    public async Task Drop_creation_is_limited_per_address()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions { Listen = o.Listen, RequestsPerSecondPerClient = 0, DropCreationsPerMinute = 3 });
        using var key = DropReadKey.Create();
        using var a = AbuseTests.FromAddress(relay.Host.Address, IPAddress.Parse("127.0.0.2"));
        var fromA = new RelayClient(a);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(await fromA.CreateDropAsync(DropName.NewRandom(), key, null));
        }

        var refused = await Assert.ThrowsAsync<RelayRequestException>(() => fromA.CreateDropAsync(DropName.NewRandom(), key, null));
        Assert.Equal((429, "rate_limited"), (refused.Status, refused.Error));
        // Appends and other addresses are not affected.
        Assert.True(await relay.Client.CreateDropAsync(DropName.NewRandom(), key, null));
    }

    [Fact]
    public async Task Connections_are_limited_per_address()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions { Listen = o.Listen, RequestsPerSecondPerClient = 0, MaxConnectionsPerClient = 4 });
        var held = new List<Socket>();
        try
        {
            // Each answered once (kept alive), so the relay has counted all four before the fifth arrives:
            // a connect completes in the kernel before the relay takes it, and connections taken at once
            // may be counted in any order (the test failed once when the fifth was counted before a fourth).
            for (int i = 0; i < 4; i++)
            {
                held.Add(await ConnectAsync(relay, "127.0.0.2"));
                Assert.Contains("200 OK", await ExchangeAsync(held[^1], "GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n"));
            }

            // The fifth is closed unanswered; the four held still work, as does another address.
            using (var fifth = await ConnectAsync(relay, "127.0.0.2"))
            {
                Assert.Equal(string.Empty, await ExchangeAsync(fifth, "GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n"));
            }

            Assert.Contains("200 OK", await ExchangeAsync(held[0], "GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"));
            using (var other = await ConnectAsync(relay, "127.0.0.3"))
            {
                Assert.Contains("200 OK", await ExchangeAsync(other, "GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"));
            }

            // The one closed above freed its place.
            held[0].Dispose();
            held.RemoveAt(0);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            string answer;
            do
            {
                using var again = await ConnectAsync(relay, "127.0.0.2");
                answer = await ExchangeAsync(again, "GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n");
            }
            while (!answer.Contains("200 OK", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
            Assert.Contains("200 OK", answer);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_body_trickled_below_the_minimum_rate_loses_its_connection()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        using var socket = await ConnectAsync(relay, "127.0.0.2");
        await socket.SendAsync(Encoding.ASCII.GetBytes(AppendHeaders(drop, EnvelopeSizes.Max)));
        // 1 byte a second: after the 5 s grace period the relay closes the connection (within 30 s here).
        var closed = false;
        for (int second = 0; second < 30 && !closed; second++)
        {
            try
            {
                await socket.SendAsync(new byte[1]);
                await Task.Delay(1000);
                closed = socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
            }
            catch (SocketException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "the trickled body kept its connection");
        Assert.Empty((await relay.Client.FetchAsync(drop, key, 0)).Envelopes);
    }

    internal static string AppendHeaders(DropName drop, int contentLength)
        => $"POST /v1/drops/{drop}/envelopes HTTP/1.1\r\nHost: relay\r\nContent-Type: application/octet-stream\r\nCourier-Message-Id: {MessageId.NewRandom()}\r\nContent-Length: {contentLength}\r\n\r\n";

    private static async Task<string> HeadersOnlyAppendAsync(TestRelay relay, DropName drop, int contentLength)
    {
        using var socket = await ConnectAsync(relay, "127.0.0.1");
        return await ExchangeAsync(socket, AppendHeaders(drop, contentLength));
    }

    private static async Task<Socket> ConnectAsync(TestRelay relay, string source)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(IPAddress.Loopback, relay.Host.Address.Port);
        return socket;
    }

    /// <summary>Sends <paramref name="request"/> and reads the answer's first bytes (empty when the relay closed the connection), within 10 s.</summary>
    private static async Task<string> ExchangeAsync(Socket socket, string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        }
        catch (SocketException)
        {
            return string.Empty;
        }

        var buffer = new byte[4096];
        try
        {
            int read = await socket.ReceiveAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (SocketException)
        {
            return string.Empty;
        }
    }
}
