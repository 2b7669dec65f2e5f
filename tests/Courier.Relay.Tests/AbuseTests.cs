using System.Net;
using System.Net.Sockets;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Nats;

namespace Courier.Relay.Tests;

/// <summary>
/// What a stranger on the internet does to a relay (issue 13), run against the stores a relay
/// serves from: the honest client beside it must keep being served.
/// </summary>
public sealed class AbuseTests
{
    [Fact]
    public Task Signed_request_floods_on_own_drops_do_not_refuse_an_honest_client_sqlite()
        => SignedFloodAsync(null);

    [NatsFact]
    public async Task Signed_request_floods_on_own_drops_do_not_refuse_an_honest_client_nats()
    {
        using var nats = await NatsServer.StartAsync(1);
        var store = await NatsDropStore.ConnectAsync(nats.Urls, replicas: 1);
        await SignedFloodAsync(_ => store);
    }

    /// <summary>
    /// The attacker registers drops with its own keys and signs fetches as fast as it can from four
    /// loopback addresses, each with a fresh nonce and a timestamp 55 s ahead (the latest the
    /// relay accepts, so each nonce is kept longest). Meanwhile the honest client creates, appends,
    /// fetches and trims; every one of its requests must succeed.
    /// </summary>
    private static async Task SignedFloodAsync(Func<string, IDropStore>? store)
    {
        await using var relay = await TestRelay.StartAsync(store, configure: o => new RelayOptions { Listen = o.Listen, Time = o.Time, RequestsPerSecondPerClient = 2_000 });
        var ahead = new ManualClock(DateTimeOffset.UtcNow.AddSeconds(55));
        using var stop = new CancellationTokenSource();
        var attackerDrops = new List<(DropName Drop, DropReadKey Key)>();
        for (int i = 0; i < 4; i++)
        {
            var key = DropReadKey.Create();
            var drop = DropName.NewRandom();
            await relay.Client.CreateDropAsync(drop, key);
            attackerDrops.Add((drop, key));
        }

        long sent = 0, busy = 0;
        var attackers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            using var http = FromAddress(relay.Host.Address, IPAddress.Parse($"127.0.0.{2 + (i % 4)}"));
            var client = new RelayClient(http, ahead);
            var (drop, key) = attackerDrops[i % attackerDrops.Count];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.FetchAsync(drop, key, 0);
                }
                catch (RelayRequestException e) when (e.Status == 429)
                {
                    Interlocked.Increment(ref busy);
                }

                Interlocked.Increment(ref sent);
            }
        })).ToList();

        try
        {
            // Let the flood fill the attacker's windows first.
            var deadline = DateTime.UtcNow.AddSeconds(40);
            while (Interlocked.Read(ref busy) == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            using var honestKey = DropReadKey.Create();
            for (int round = 0; round < 20; round++)
            {
                var drop = DropName.NewRandom();
                Assert.True(await relay.Client.CreateDropAsync(drop, honestKey));
                await relay.Client.AppendAsync(drop, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
                var fetched = await relay.Client.FetchAsync(drop, honestKey, 0);
                Assert.Single(fetched.Envelopes);
                await relay.Client.TrimAsync(drop, honestKey, 1);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(attackers);
        }

        // The flood was real: the attacker filled its own drops' windows many times over.
        Assert.True(Interlocked.Read(ref sent) > ReplayWindow.PerSecond * attackerDrops.Count, $"only {sent} attacking requests");
        Assert.True(busy > 0);
    }

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.0.0.N reaches the relay on 127.0.0.1).</summary>
    internal static HttpClient FromAddress(Uri relay, IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = relay, Timeout = TimeSpan.FromSeconds(90) };
    }
}
