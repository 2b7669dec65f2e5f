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
            await relay.Client.CreateDropAsync(drop, key, null);
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
            // Let the flood fill the attacker's windows first (on a loaded machine that takes long: the
            // honest requests below prove nothing unless the flood was refused at least once).
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (Interlocked.Read(ref busy) == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            using var honestKey = DropReadKey.Create();
            for (int round = 0; round < 20; round++)
            {
                var drop = DropName.NewRandom();
                Assert.True(await relay.Client.CreateDropAsync(drop, honestKey, null));
                await relay.Client.AppendAsync(drop, null, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
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

        // The flood was real: the attacker filled parts of its own drops' windows (every request has the same second).
        Assert.True(Interlocked.Read(ref sent) > ReplayWindow.PerPart * attackerDrops.Count, $"only {sent} attacking requests");
        Assert.True(busy > 0);
    }

    [Fact]
    public Task A_first_contact_under_a_join_flood_completes_or_is_told_of_interference_sqlite()
        => JoinFloodAsync(null);

    [NatsFact]
    public async Task A_first_contact_under_a_join_flood_completes_or_is_told_of_interference_nats()
    {
        using var nats = await NatsServer.StartAsync(1);
        var store = await NatsDropStore.ConnectAsync(nats.Urls, replicas: 1);
        await JoinFloodAsync(_ => store);
    }

    /// <summary>
    /// A stranger from four addresses joins, posts to and tries to release every nameplate number
    /// it can (issue 13, must-hold 2). Each round an inviter allocates and an acceptor joins: either
    /// the acceptor got the nameplate and both sides' two messages go through untouched, or its join
    /// is refused as taken and the inviter's reads say the nameplate was interfered with. Nothing
    /// the stranger does deletes a nameplate or adds to the honest sides' messages.
    /// </summary>
    private static async Task JoinFloodAsync(Func<string, IDropStore>? store)
    {
        await using var relay = await TestRelay.StartAsync(store, configure: o => new RelayOptions { Listen = o.Listen, Time = o.Time, RequestsPerSecondPerClient = 0, NameplateAllocationsPerMinute = 100_000 });
        using var stop = new CancellationTokenSource();
        long joined = 0;
        var strangers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            using var http = FromAddress(relay.Host.Address, IPAddress.Parse($"127.0.0.{2 + i}"));
            var client = new RelayClient(http);
            while (!stop.IsCancellationRequested)
            {
                for (int number = 1 + i; number <= 999 && !stop.IsCancellationRequested; number += 4)
                {
                    try
                    {
                        var claim = await client.JoinNameplateAsync(number);
                        Interlocked.Increment(ref joined);
                        await client.AppendToNameplateAsync(claim, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
                        await client.ReleaseNameplateAsync(claim);
                    }
                    catch (RelayRequestException)
                    {
                        // Free, taken, or not the stranger's to release: on to the next number.
                    }
                }
            }
        })).ToList();

        int completed = 0, interfered = 0;
        try
        {
            for (int round = 0; round < 20; round++)
            {
                var inviter = await relay.Client.AllocateNameplateAsync();
                await relay.Client.AppendToNameplateAsync(inviter, Envelope(1), MessageId.NewRandom());
                if (round % 2 == 1)
                {
                    // The code takes a while to reach the acceptor: time for the stranger's sweep to find the number.
                    await Task.Delay(1000);
                }

                NameplateClaim acceptor;
                try
                {
                    acceptor = await relay.Client.JoinNameplateAsync(inviter.Number);
                }
                catch (RelayRequestException e) when (e.Error == "nameplate_taken")
                {
                    Assert.True((await relay.Client.FetchNameplateAsync(inviter, 0)).Interfered);
                    interfered++;
                    await relay.Client.ReleaseNameplateAsync(inviter);
                    continue;
                }

                Assert.Equal(1, Assert.Single((await relay.Client.FetchNameplateAsync(acceptor, 0)).Envelopes).Data[0]);
                await relay.Client.AppendToNameplateAsync(acceptor, Envelope(2), MessageId.NewRandom());
                await relay.Client.AppendToNameplateAsync(inviter, Envelope(3), MessageId.NewRandom());
                await relay.Client.AppendToNameplateAsync(acceptor, Envelope(4), MessageId.NewRandom());
                Assert.Equal([2, 4], (await relay.Client.FetchNameplateAsync(inviter, 0)).Envelopes.Select(e => (int)e.Data[0]));
                Assert.Equal([1, 3], (await relay.Client.FetchNameplateAsync(acceptor, 0)).Envelopes.Select(e => (int)e.Data[0]));
                await relay.Client.ReleaseNameplateAsync(inviter);
                completed++;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(strangers);
        }

        Assert.Equal(20, completed + interfered);
        Assert.True(interfered > 0, $"the stranger never got to a nameplate first ({joined} joins)");
    }

    private static byte[] Envelope(byte fill) => Enumerable.Repeat(fill, EnvelopeSizes.Small).ToArray();

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.0.0.N reaches the relay on 127.0.0.1).</summary>
    internal static HttpClient FromAddress(Uri relay, IPAddress source) => SourceAddress.HttpClient(relay, source);
}
