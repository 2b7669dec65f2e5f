using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// <c>cell burn</c> (docs/cells.md, "Burning a cell"), issue 16 must-hold 2, as the suspect would try
/// it: its node keeps running and syncing, and it tries every key it holds on the new epoch's drop.
/// </summary>
public class BurnTests
{
    [Fact]
    public async Task After_a_burn_the_suspect_keeps_syncing_and_gets_nothing_new_and_cannot_append_or_read_the_new_drop_with_anything_it_held()
    {
        var relay = new InMemoryRelay();
        using var nodes = new TestNodes(relay);
        var (starik, alyosha, galya) = (nodes.Create(), nodes.Create(), nodes.Create());
        await TestNodes.CellOfThreeAsync(nodes.RelayUri, starik, alyosha, galya);
        await starik.SendAsync("north", "before");
        await alyosha.SyncAsync();
        Assert.Equal(["before"], (await galya.SyncAsync()).Received.Select(m => m.Text));

        // What Galya holds: her epoch's drop (name, read key, append key) and her rejoin secret's drop.
        var galyaName = galya.Describe("north").CodeName;
        var (heldDrop, heldRejoin) = await galya.InspectCellAsync("north", c => (CellDrop.Of(c.Group), c.CurrentRejoinDrop()));
        using var _ = heldDrop;
        using var __ = heldRejoin;

        var report = await starik.BurnCellAsync("north", [galyaName]);
        Assert.Equal([galyaName], report.Removed);
        Assert.Equal(starik.Describe("north").Epoch, report.Epoch);
        await alyosha.SyncAsync();
        Assert.DoesNotContain(galyaName, starik.Describe("north").Members);
        Assert.DoesNotContain(galyaName, alyosha.Describe("north").Members);

        // The others go on writing; Galya's node, kept running, syncs after each and gets nothing.
        var (newDrop, newRead) = await starik.InspectCellAsync("north", c => (c.CurrentDrop, CellDrop.Of(c.Group)));
        using var ___ = newRead;
        var galyaInbox = galya.Inbox().Count;
        await galya.SyncAsync();
        foreach (var (sender, text) in new[] { (starik, "after the burn"), (alyosha, "and again") })
        {
            await sender.SendAsync("north", text);
            var synced = await galya.SyncAsync();
            Assert.Empty(synced.Received);
        }

        Assert.Equal(galyaInbox, galya.Inbox().Count);
        Assert.DoesNotContain(galya.Inbox(), m => m.Text is "after the burn" or "and again");
        Assert.Equal(["after the burn"], (await alyosha.SyncAsync()).Received.Select(m => m.Text));

        // The new drop is none she knows, and every key she holds is refused there.
        Assert.NotEqual(heldDrop.Name, newDrop);
        Assert.NotEqual(heldRejoin.Name, newDrop);
        foreach (var key in new[] { heldDrop.AppendKey, heldRejoin.AppendKey })
        {
            var refused = await Assert.ThrowsAsync<RelayRejectedException>(() => relay.AppendAsync(newDrop, key, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small), MessageId.NewRandom(), default));
            Assert.Equal("bad_signature", refused.RelayError);
        }

        foreach (var key in new[] { heldDrop.ReadKey, heldRejoin.ReadKey })
        {
            await Assert.ThrowsAsync<RelayRejectedException>(() => relay.FetchAsync(newDrop, key, 0, TimeSpan.Zero, default));
        }

        // Were the relay to hand her the new drop's envelopes, none opens under what she holds.
        var envelopes = (await relay.FetchAsync(newDrop, newRead.ReadKey, 0, TimeSpan.Zero, default)).Envelopes;
        Assert.NotEmpty(envelopes);
        Assert.All(envelopes, e => Assert.Null(heldDrop.TryOpen(e.Data)));
    }
}
