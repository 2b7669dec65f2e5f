using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Node.Relay.Mix;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// A cell over a layer of three relays that share a three-node NATS JetStream cluster (R3 streams, as
/// Courier.Relay.Tests' ClusterTests runs two relays): one NATS node is SIGKILLed during a burst of
/// messages, and every message still reaches every member exactly once, with the cell's relay reached
/// directly and through the mix (issue 14, must-hold 5).
/// </summary>
public sealed class ClusterCellTests(ClusterCellTests.Layer layer) : IClassFixture<ClusterCellTests.Layer>
{
    [NatsTheory]
    [InlineData(RelayRoute.Direct)]
    [InlineData(RelayRoute.Mix)]
    public async Task A_NATS_node_killed_during_a_burst_every_message_reaches_every_member_exactly_once(RelayRoute route)
    {
        var (cluster, mixes) = await layer.StartAsync();
        var target = HttpRelay.AddressOf(mixes.Addresses[0]);
        using var relay = route == RelayRoute.Direct
            ? new HttpRelay(mixes.Addresses[0])
            : new HttpRelay(target, new MixHandler(target, [.. mixes.Addresses.Select(HttpRelay.AddressOf)], mixes.Pins, MixLayer.Options(new NodeOptions())));
        using var people = new People(relay, new CellSettings(TimeSpan.FromSeconds(60), TimeProvider.System));
        var before = await mixes.DropRequestsAsync(0);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        var senders = new[] { "Starik", "Alyosha", "Galya" };
        var sent = new List<string>();
        Task? kill = null;
        try
        {
            for (var i = 0; i < 24; i++)
            {
                if (i == 8)
                {
                    // The node dies at a random moment of the next sends: appends in flight are retried with their message id.
                    kill = Task.Run(async () =>
                    {
                        await Task.Delay(Random.Shared.Next(200));
                        cluster.Kill(0);
                    });
                }

                var text = $"message {i}";
                await cell[senders[i % 3]].SendAsync(new TextContent(text));
                sent.Add(text);
            }

            await kill!;
            foreach (var (name, member) in cell)
            {
                var texts = (await member.SyncAsync()).Select(m => ((TextContent)m.Content).Text).ToList();
                Assert.Equal(sent.Where((_, i) => senders[i % 3] != name).Order(), texts.Order());
            }

            // Each route reached the storing relay only its own way.
            var after = await mixes.DropRequestsAsync(0);
            Assert.Equal(route == RelayRoute.Direct, after.Direct > before.Direct);
            Assert.Equal(route == RelayRoute.Mix, after.Mixed > before.Mixed);
        }
        finally
        {
            // Back for the next case, which kills it again: the two others always hold a quorum with every envelope.
            await (kill ?? Task.CompletedTask);
            cluster.StartNode(0);
        }
    }

    /// <summary>The cluster and the layer on it, for both cases (started when the first asks: three relays creating their R3 streams take a while).</summary>
    public sealed class Layer : IDisposable
    {
        private readonly Lazy<Task<(NatsServer Cluster, MixLayer Mixes)>> _started = new(async () =>
        {
            var cluster = await NatsServer.StartAsync(3);
            return (cluster, await MixLayer.StartAsync(["--store", "nats", "--nats", cluster.Urls, "--replicas", "3", "--rate-limit", "0"]));
        });

        public Task<(NatsServer Cluster, MixLayer Mixes)> StartAsync() => _started.Value;

        public void Dispose()
        {
            if (_started.IsValueCreated && _started.Value.IsCompletedSuccessfully)
            {
                _started.Value.Result.Mixes.Dispose();
                _started.Value.Result.Cluster.Dispose();
            }
        }
    }
}
