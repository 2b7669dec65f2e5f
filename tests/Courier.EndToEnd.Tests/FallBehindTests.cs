using Courier.Node;
using Courier.Node.Relay;

namespace Courier.EndToEnd.Tests;

/// <summary>
/// Issue 12, must-hold 3: a member away longer than a real relay process keeps envelopes (a
/// retention of seconds) comes back, is told it fell behind, rejoins, reads what was sent after,
/// and what waited in its outbox is delivered; with the SQLite and the NATS store, with direct and
/// with mix routing (issue 14, must-hold 5).
/// </summary>
public sealed class FallBehindTests : ShortRetentionTests
{
    [Theory]
    [InlineData(RelayRoute.Direct)]
    [InlineData(RelayRoute.Mix)]
    public Task With_the_sqlite_store_a_member_away_past_retention_rejoins_and_its_outbox_is_delivered(RelayRoute route)
        => RunAsync(nats: false, route);

    [NatsTheory]
    [InlineData(RelayRoute.Direct)]
    [InlineData(RelayRoute.Mix)]
    public Task With_the_nats_store_a_member_away_past_retention_rejoins_and_its_outbox_is_delivered(RelayRoute route)
        => RunAsync(nats: true, route);

    /// <summary>On one relay reached directly, or on a layer of three reached through the mix (issue 14, must-hold 5).</summary>
    private Task RunAsync(bool nats, RelayRoute route) => route == RelayRoute.Direct
        ? WithRelayAsync(nats, relay => RunAsync(relay.Address, null))
        : WithMixLayerAsync(nats, layer => RunAsync(layer.ContactRelay!.Address, layer));

    private async Task RunAsync(Uri relay, MixLayer? mixes)
    {
        var route = mixes is null ? RelayRoute.Direct : RelayRoute.Mix;
        var (a, b, c) = await CellOfThreeAsync(relay, mixes);
        await c.SendAsync("north", "before");
        Assert.Equal(["before"], (await a.SyncAsync()).Received.Select(m => m.Text));
        Assert.Equal(["before"], (await b.SyncAsync()).Received.Select(m => m.Text));

        // c writes while it cannot reach the relay (the message waits in its outbox), then goes away.
        var home = c.Home;
        Close(c);
        c = Open(home, route, unreachable: true);
        await Assert.ThrowsAsync<RelayUnreachableException>(() => c.SendAsync("north", "written while away"));
        Close(c);

        // The cell moves on without c, and the relay's retention deletes it all.
        await a.RotateKeysAsync("north");
        await a.SendAsync("north", "first of the new epoch");
        Assert.Equal(["first of the new epoch"], (await b.SyncAsync()).Received.Select(m => m.Text));
        await a.SendAsync("north", "while c was away");
        await RetentionProbe.WaitAsync(new Uri(a.Describe("north").Relay), Retention);

        // a (checking its rejoin drop on every sync here; daily by default) puts the cell's GroupInfo back.
        Assert.Empty((await a.SyncAsync()).Problems);

        // b missed a message but no commit: told in plain words, reads on.
        var atB = await b.SyncAsync();
        Assert.Empty(atB.Problems);
        Assert.Contains(atB.Notices, n => n.StartsWith("Cell \"north\": The relay deleted messages of this cell", StringComparison.Ordinal));

        // c comes back: told it fell behind, rejoins, and what waited goes out in the new epoch.
        c = Open(home, route, unreachable: false);
        var back = await c.SyncAsync();
        Assert.Empty(back.Problems);
        Assert.Contains(back.Notices, n => n.Contains("fell behind; it rejoined the cell", StringComparison.Ordinal));
        await a.SendAsync("north", "after c rejoined");
        Assert.Equal(["after c rejoined"], (await c.SyncAsync()).Received.Select(m => m.Text));
        foreach (var (name, member) in new[] { ("a", a), ("b", b) })
        {
            var result = await member.SyncAsync();
            var texts = result.Received.Select(m => m.Text).ToList();
            Assert.True(texts.Count(t => t == "written while away") == 1, $"{name} read [{string.Join(", ", texts)}]; notices [{string.Join(" | ", result.Notices)}]; problems [{string.Join(" | ", result.Problems)}]; epoch {member.Cells.Single().Epoch} vs c {c.Cells.Single().Epoch}");
        }

        await c.SendAsync("north", "c is back");
        Assert.Equal(["c is back"], (await b.SyncAsync()).Received.Select(m => m.Text).Where(t => t == "c is back"));
        Assert.All(new[] { a, b, c }, n => Assert.Equal(3, n.Cells.Single().Members.Count));
    }

    /// <summary>Three new nodes in the cell "north" (<see cref="TestNodes.CellOfThreeAsync"/>).</summary>
    private async Task<(CourierNode A, CourierNode B, CourierNode C)> CellOfThreeAsync(Uri relay, MixLayer? mixes)
    {
        var route = mixes is null ? RelayRoute.Direct : RelayRoute.Mix;
        var (a, b, c) = (NewNode(route), NewNode(route), NewNode(route));
        await TestNodes.CellOfThreeAsync(relay, a, b, c, mixes);
        return (a, b, c);
    }

    private CourierNode NewNode(RelayRoute route) => Nodes.Create(Options(route, unreachable: false));

    private CourierNode Open(string home, RelayRoute route, bool unreachable) => Nodes.Reopen(home, Options(route, unreachable));

    private void Close(CourierNode node) => Nodes.Close(node);

    /// <summary>Every sync checks the rejoin drop; <paramref name="unreachable"/> sends every relay call, directly, to a closed port.</summary>
    private static NodeOptions Options(RelayRoute route, bool unreachable) => unreachable
        ? new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1), RejoinCheck = TimeSpan.Zero, Route = RelayRoute.Direct, Relays = _ => new HttpRelay(new Uri($"http://127.0.0.1:{RelayProcess.FreePort()}/")) }
        : route == RelayRoute.Mix ? MixLayer.Options(Options(RelayRoute.Direct, unreachable: false))
        : new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1), RejoinCheck = TimeSpan.Zero };
}
