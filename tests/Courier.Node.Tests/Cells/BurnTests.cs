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

    [Fact]
    public async Task After_a_burn_and_everyone_s_sync_every_code_name_and_signing_key_in_the_cell_is_new()
    {
        var relay = new InMemoryRelay();
        using var nodes = new TestNodes(relay);
        var (starik, alyosha, galya) = (nodes.Create(), nodes.Create(), nodes.Create());
        await TestNodes.CellOfThreeAsync(nodes.RelayUri, starik, alyosha, galya);
        var namesBefore = starik.Describe("north").Members.ToHashSet();
        var keysBefore = (await SignatureKeysAsync(starik)).ToHashSet();
        Assert.Equal(3, namesBefore.Count);

        var report = await starik.BurnCellAsync("north", [galya.Describe("north").CodeName]);
        Assert.Contains(report.OldCodeName, namesBefore);
        Assert.DoesNotContain(report.NewCodeName, namesBefore);

        // Alyosha reads the burn and answers it with a new leaf of her own; Starik reads her answer.
        var answered = await alyosha.SyncAsync();
        Assert.Contains(answered.Notices, n => n.Contains("burned", StringComparison.Ordinal));
        await starik.SyncAsync();
        await galya.SyncAsync();
        foreach (var member in new[] { starik, alyosha })
        {
            var names = member.Describe("north").Members;
            Assert.Equal(2, names.Count);
            Assert.Empty(names.Intersect(namesBefore));
            Assert.Empty((await SignatureKeysAsync(member)).Intersect(keysBefore));
        }

        Assert.Equal(starik.Describe("north").Members.Order(), alyosha.Describe("north").Members.Order());
        Assert.Equal(report.NewCodeName, starik.Describe("north").CodeName);

        // A second sync changes nothing more, and the cell works under the new names.
        var epoch = starik.Describe("north").Epoch;
        Assert.DoesNotContain((await alyosha.SyncAsync()).Notices, n => n.Contains("burned", StringComparison.Ordinal));
        Assert.Equal(epoch, alyosha.Describe("north").Epoch);
        await starik.SendAsync("north", "under new names");
        var read = Assert.Single((await alyosha.SyncAsync()).Received);
        Assert.Equal(("under new names", report.NewCodeName), (read.Text, read.Sender));
        Assert.Empty((await galya.SyncAsync()).Received);
    }

    [Fact]
    public async Task A_liaison_of_the_layer_records_the_old_code_names_as_burned()
    {
        var relay = new InMemoryRelay();
        using var nodes = new TestNodes(relay);
        var (starik, alyosha, galya, liaison) = (nodes.Create(), nodes.Create(), nodes.Create(), nodes.Create());
        await TestNodes.CellOfThreeAsync(nodes.RelayUri, starik, alyosha, galya);

        // The liaison shares the cell north-2 of the layer with Starik, and has a cell in another layer.
        await TestNodes.ContactAsync(nodes.RelayUri, starik, liaison, "Liaison");
        await starik.CreateCellAsync("north-2", "north");
        await starik.AddToCellAsync("north-2", ["Liaison"]);
        Assert.Equal(["north-2"], (await liaison.SyncAsync()).Contacts.JoinedCells);
        liaison.CreateLayer("south", [new Uri("http://south.relay/")]);
        await liaison.CreateCellAsync("south-1", "south");
        var liaisonNames = liaison.Cells.Select(c => c.CodeName).ToList();

        var before = starik.Describe("north").Members;
        var suspect = galya.Describe("north").CodeName;
        var report = await starik.BurnCellAsync("north", [suspect]);
        Assert.Equal(["north-2"], report.Told);
        await liaison.SyncAsync();

        var burned = liaison.Burned;
        Assert.Equal(before.Order(), burned.Select(b => b.Name).Order());
        Assert.All(burned, b => Assert.Equal(("north-2", false, starik.Describe("north-2").CodeName), (b.Cell, b.InBurnedCell, b.ToldBy)));
        Assert.Equal([suspect], burned.Where(b => b.Suspect).Select(b => b.Name));

        // The liaison's own names stay: only the burned cell's members take new ones.
        Assert.Equal(liaisonNames, liaison.Cells.Select(c => c.CodeName));

        // Members of the burned cell keep the record too; the suspect, removed, receives no notice.
        await alyosha.SyncAsync();
        Assert.Equal([suspect], alyosha.Burned.Where(b => b.Suspect && b.InBurnedCell).Select(b => b.Name));
        Assert.Equal([suspect], starik.Burned.Where(b => b.Suspect).Select(b => b.Name));
        await galya.SyncAsync();
        Assert.Empty(galya.Burned);
    }

    [Fact]
    public void A_burn_notice_round_trips_and_a_malformed_one_is_no_content()
    {
        var notice = new BurnNotice(true, ["Grey Heron"], ["Old Oak", "Night Owl"]);
        var bytes = notice.ToBytes();
        var parsed = Assert.IsType<BurnNotice>(CellContent.Parse(bytes));
        Assert.True(parsed.ThisCell);
        Assert.Equal(notice.Suspects, parsed.Suspects);
        Assert.Equal(notice.Renamed, parsed.Renamed);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Null(CellContent.Parse(bytes.AsSpan(0, cut)));
        }

        Assert.Null(CellContent.Parse([.. bytes, 0]));
        Assert.Null(CellContent.Parse([BurnNotice.Tag, 2, 0, 0]));
        Assert.Null(new Forwarded("elsewhere", notice).ToBytes() is var forwarded ? CellContent.Parse(forwarded) : null);
    }

    private static Task<List<string>> SignatureKeysAsync(CourierNode node)
        => node.InspectCellAsync("north", c => c.Group.Members.Select(m => Convert.ToHexString(m.SignatureKey)).ToList());
}
