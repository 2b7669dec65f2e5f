using System.Net;
using System.Net.Sockets;
using System.Text;
using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>
/// Issue 13, must-hold 1, as a property rather than a timing: an address with as many requests in
/// progress as it may have (<see cref="RelayOptions.RequestsInProgressPerClient"/>) waits behind
/// itself, and another address's request is served at once. The load bench (`--attack`) measures
/// what that does to an honest client's latency under a flood.
/// </summary>
public sealed class FairShareTests
{
    [Fact]
    public async Task An_address_at_its_limit_waits_behind_itself_and_another_address_is_served_at_once()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions { Listen = o.Listen, Time = o.Time, RequestsPerSecondPerClient = 0, DropCreationsPerMinute = 0, RequestsInProgressPerClient = 2 });
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, appendKey: null);

        // The flooding address holds its two places with appends whose bodies have not arrived.
        var flooder = IPAddress.Parse("127.0.0.2");
        var held = new[] { await HoldAsync(relay.Host.Address, flooder, drop), await HoldAsync(relay.Host.Address, flooder, drop) };
        using var flooderHttp = AbuseTests.FromAddress(relay.Host.Address, flooder);
        var queued = new RelayClient(flooderHttp).FetchAsync(drop, key, 0);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(queued.IsCompleted, "the flooding address's third request was served beside its two in progress");

        // Another address is served while the flooder waits.
        using var otherHttp = AbuseTests.FromAddress(relay.Host.Address, IPAddress.Parse("127.0.0.3"));
        var other = new RelayClient(otherHttp).FetchAsync(drop, key, 0);
        Assert.Same(other, await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Empty((await other).Envelopes);
        Assert.False(queued.IsCompleted);

        // Once the flooder's appends finish, its queued request is served, after them.
        foreach (var socket in held)
        {
            await socket.SendAsync(new byte[EnvelopeSizes.Small - 1]);
        }

        Assert.Same(queued, await Task.WhenAny(queued, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(2, (await queued).Envelopes.Count);
        foreach (var socket in held)
        {
            var answer = new byte[64];
            var read = await socket.ReceiveAsync(answer);
            Assert.StartsWith("HTTP/1.1 201", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
            socket.Dispose();
        }
    }

    /// <summary>An append from <paramref name="source"/> whose headers and first body byte are sent, the rest held back.</summary>
    private static async Task<Socket> HoldAsync(Uri relay, IPAddress source, DropName drop)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(IPAddress.Loopback, relay.Port);
        var headers = $"POST /v1/drops/{drop}/envelopes HTTP/1.1\r\nHost: {relay.Authority}\r\nContent-Type: application/octet-stream\r\nContent-Length: {EnvelopeSizes.Small}\r\n{RequestSignature.MessageIdHeader}: {MessageId.NewRandom()}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(headers));
        await socket.SendAsync(new byte[1]);
        return socket;
    }
}
