using System.Buffers.Binary;
using System.Collections.Concurrent;
using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>
/// Three nats-server processes form a JetStream cluster on 127.0.0.1 and two relay processes share
/// it through R3 streams. One NATS node is SIGKILLed mid-run. No acknowledged envelope may be
/// lost, clients of either relay must see the same order, and reads stay whole while the node is down.
/// </summary>
public sealed class ClusterTests
{
    [NatsFact]
    public async Task Two_relays_on_a_three_node_cluster_lose_nothing_when_a_node_dies()
    {
        using var cluster = await NatsServer.StartAsync(3);
        string[] args = ["--store", "nats", "--nats", cluster.Urls, "--replicas", "3", "--listen", "127.0.0.1:0", "--rate-limit", "0", "--max-envelopes", "1000000"];
        using var relayA = await RelayProcess.StartAsync(args);
        using var relayB = await RelayProcess.StartAsync(args);
        using var httpA = new HttpClient { BaseAddress = relayA.Address, Timeout = TimeSpan.FromSeconds(20) };
        using var httpB = new HttpClient { BaseAddress = relayB.Address, Timeout = TimeSpan.FromSeconds(20) };
        var clients = new[] { new RelayClient(httpA), new RelayClient(httpB) };
        using var key = DropReadKey.Create();
        var drops = new[] { DropName.NewRandom(), DropName.NewRandom() };
        foreach (var drop in drops)
        {
            await clients[0].CreateDropAsync(drop, key, null);
        }

        const int writers = 8;
        var acked = new ConcurrentDictionary<(int Drop, long Seq), (int Writer, int Counter)>();
        var counts = new int[writers];
        int retries = 0;
        using var stop = new CancellationTokenSource();
        var appenders = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            // Each drop gets writers through both relays.
            var client = clients[w % 2];
            int dropIndex = (w / 2) % 2;
            for (int counter = 0; !stop.IsCancellationRequested; counter++)
            {
                var envelope = new byte[EnvelopeSizes.Small];
                BinaryPrimitives.WriteInt32BigEndian(envelope, w);
                BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(4), counter);
                var id = MessageId.NewRandom();
                while (true)
                {
                    try
                    {
                        var receipt = await client.AppendAsync(drops[dropIndex], null, envelope, id);
                        Assert.True(acked.TryAdd((dropIndex, receipt.Seq), (w, counter)) || acked[(dropIndex, receipt.Seq)] == (w, counter), $"sequence number {receipt.Seq} acknowledged for two envelopes");
                        counts[w] = counter + 1;
                        break;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException || (ex is RelayRequestException r && r.Status >= 500))
                    {
                        Interlocked.Increment(ref retries);
                        await Task.Delay(50);
                    }
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        int beforeKill = acked.Count;
        cluster.Kill(0);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(beforeKill > 20, $"only {beforeKill} appends before the kill");
        Assert.True(acked.Count > beforeKill, "no append was acknowledged after a node died");

        for (int d = 0; d < drops.Length; d++)
        {
            var views = new List<List<FetchedEnvelope>>();
            foreach (var client in clients)
            {
                views.Add(await FetchAllAsync(client, drops[d], key));
            }

            var all = views[0];
            AckedLog.AssertExactlyOnceInOrder(all, acked, d, counts);
            Assert.Equal(all.Select(e => Convert.ToHexString(e.Data)), views[1].Select(e => Convert.ToHexString(e.Data)));
        }
    }

    /// <summary>
    /// A fetch retried while the relay answers 503 (its store does not answer yet: a relay whose NATS
    /// node died reconnects to another), for up to 30 s as a node's own retries would; any other
    /// answer, or 503 beyond that, fails the test.
    /// </summary>
    private static async Task<FetchResult> FetchRetryingAsync(RelayClient client, DropName drop, DropReadKey key, long after)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await client.FetchAsync(drop, key, after, limit: 256);
            }
            catch (RelayRequestException e) when (e.Status == 503 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<List<FetchedEnvelope>> FetchAllAsync(RelayClient client, DropName drop, DropReadKey key)
    {
        var all = new List<FetchedEnvelope>();
        long after = 0;
        while (true)
        {
            var page = await FetchRetryingAsync(client, drop, key, after);
            if (page.Envelopes.Count == 0)
            {
                return all;
            }

            // With a node down, a page is still whole: only the drop's last page may be short.
            Assert.True(all.Count % 256 == 0, $"a short page ({all.Count % 256} envelopes) before the drop's end");
            all.AddRange(page.Envelopes);
            after = page.Envelopes[^1].Seq;
        }
    }
}
