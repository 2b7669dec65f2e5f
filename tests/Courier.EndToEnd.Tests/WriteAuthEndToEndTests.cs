using System.Security.Cryptography;
using Courier.Node;
using Courier.Relay.Client;

namespace Courier.EndToEnd.Tests;

/// <summary>Issue 12, must-hold 2 against a relay process: a stranger who knows a cell's drop can neither append to it nor trim it.</summary>
public sealed class WriteAuthEndToEndTests : IDisposable
{
    private readonly string _relayData = Directory.CreateTempSubdirectory("courier-writeauth-").FullName;
    private readonly TestNodes _nodes = new();

    [Fact]
    public async Task A_stranger_s_ten_thousand_appends_and_trim_are_refused_and_the_cell_reads_every_message_once()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _relayData, "--rate-limit", "0");
        var (a, b, c) = (_nodes.Create(Options), _nodes.Create(Options), _nodes.Create(Options));
        await TestNodes.ContactAsync(relay.Address, a, b, "Alyosha");
        await TestNodes.ContactAsync(relay.Address, a, c, "Galya");
        a.CreateLayer("north", [relay.Address]);
        await a.CreateCellAsync("north");
        await a.AddToCellAsync("north", ["Alyosha", "Galya"]);
        await b.SyncAsync();
        await c.SyncAsync();
        var drop = await a.InspectCellAsync("north", cell => cell.CurrentDrop);

        using var http = new HttpClient { BaseAddress = relay.Address };
        var stranger = new RelayClient(http);
        using var strangersKey = DropAppendKey.Create();
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            // Half unsigned, half signed with a key of the stranger's own.
            var error = await Assert.ThrowsAsync<RelayRequestException>(() => stranger.AppendAsync(drop, i % 2 == 0 ? null : strangersKey, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small), MessageId.NewRandom(), ct));
            answers.AddOrUpdate($"{error.Status} {error.Error}", 1, (_, n) => n + 1);
        });
        Assert.Equal(new Dictionary<string, int> { ["401 unauthenticated"] = 5_000, ["401 bad_signature"] = 5_000 }, answers.ToDictionary());

        using (var anyKey = DropReadKey.Create())
        {
            var trim = await Assert.ThrowsAsync<RelayRequestException>(() => stranger.TrimAsync(drop, anyKey, 0));
            Assert.Equal((403, "trim_not_allowed"), (trim.Status, trim.Error));
        }

        var members = new[] { ("Starik", a), ("Alyosha", b), ("Galya", c) };
        foreach (var (name, node) in members)
        {
            await node.SendAsync("north", $"from {name}");
        }

        foreach (var (name, node) in members)
        {
            var result = await node.SyncAsync();
            Assert.Empty(result.Problems);
            var texts = node.Read("north").Select(m => m.Text ?? "").ToList();
            Assert.Equal(members.Where(m => m.Item1 != name).Select(m => $"from {m.Item1}").Order(), texts.Where(t => t.StartsWith("from ", StringComparison.Ordinal)).Order());
            Assert.Equal(texts.Count, texts.Distinct().Count());
        }
    }

    private static NodeOptions Options => new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1) };

    public void Dispose()
    {
        _nodes.Dispose();
        Directory.Delete(_relayData, recursive: true);
    }
}
