using System.Buffers.Binary;
using System.Collections.Concurrent;
using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>
/// The relay process is SIGKILLed several times while clients append as fast as they can. Every
/// acknowledged envelope must be present exactly once, in order, with no gap in sequence numbers.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Acknowledged_appends_survive_repeated_SIGKILL()
    {
        using var dir = new TempDirectory();
        int port = RelayProcess.FreePort();
        string[] args = ["--listen", $"127.0.0.1:{port}", "--data", dir.Path, "--rate-limit", "0", "--max-envelopes", "1000000"];
        var relay = await RelayProcess.StartAsync(args);
        try
        {
            using var http = new HttpClient { BaseAddress = relay.Address, Timeout = TimeSpan.FromSeconds(10) };
            var client = new RelayClient(http);
            var drops = new[] { DropName.NewRandom(), DropName.NewRandom() };
            using var key = DropReadKey.Create();
            foreach (var drop in drops)
            {
                await client.CreateDropAsync(drop, key, null);
            }

            const int writers = 6;
            var acked = new ConcurrentDictionary<(int Drop, long Seq), (int Writer, int Counter)>();
            var counts = new int[writers];
            using var stop = new CancellationTokenSource();
            var appenders = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                int dropIndex = w % drops.Length;
                for (int counter = 0; !stop.IsCancellationRequested; counter++)
                {
                    var envelope = new byte[EnvelopeSizes.Small];
                    BinaryPrimitives.WriteInt32BigEndian(envelope, w);
                    BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(4), counter);
                    var id = MessageId.NewRandom();
                    // Retry the same id until acknowledged: across a crash this must never duplicate.
                    while (true)
                    {
                        try
                        {
                            var receipt = await client.AppendAsync(drops[dropIndex], null, envelope, id);
                            Assert.True(acked.TryAdd((dropIndex, receipt.Seq), (w, counter)) || acked[(dropIndex, receipt.Seq)] == (w, counter));
                            counts[w] = counter + 1;
                            break;
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException || (ex is RelayRequestException r && r.Status >= 500))
                        {
                            await Task.Delay(20);
                        }
                    }
                }
            })).ToArray();

            for (int kill = 0; kill < 4; kill++)
            {
                // Each kill lands in the middle of a burst: after at least 30 more acknowledgements (however
                // long a loaded machine takes to give them), at a random moment.
                var target = acked.Count + 30;
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (acked.Count < target && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }

                await Task.Delay(Random.Shared.Next(300));
                relay.Kill();
                relay.Dispose();
                relay = await RelayProcess.StartAsync(args);
                Assert.True(acked.Count > 0, "no append was acknowledged before the kill");
            }

            await Task.Delay(500);
            await stop.CancelAsync();
            await Task.WhenAll(appenders);

            for (int d = 0; d < drops.Length; d++)
            {
                var all = new List<FetchedEnvelope>();
                long after = 0;
                while (true)
                {
                    var page = await client.FetchAsync(drops[d], key, after, limit: 256);
                    if (page.Envelopes.Count == 0)
                    {
                        break;
                    }

                    all.AddRange(page.Envelopes);
                    after = page.Envelopes[^1].Seq;
                }

                AckedLog.AssertExactlyOnceInOrder(all, acked, d, counts);
            }

            Assert.True(acked.Count > 100, $"only {acked.Count} appends were acknowledged");
        }
        finally
        {
            relay.Dispose();
        }
    }
}
