using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// A member away across a change of membership, past retention, finds no way back by external commit
/// (the rejoin secret changed): it asks the contact who added it, through the pairwise channel, and is
/// added back from a fresh Welcome on that member's next sync (issue 12, "Nothing lost silently").
/// Requests from anyone but the member itself, for cells the receiver is not in, or replayed, change nothing.
/// </summary>
public class AddedBackTests
{
    [Fact]
    public async Task A_member_away_across_a_membership_change_asks_is_added_back_reads_what_follows_and_its_outbox_is_delivered_once()
    {
        var relay = new InMemoryRelay();
        using var nodes = new TestNodes(relay);
        var (starik, alyosha, galya) = await CellAsync(nodes, relay);

        // Galya writes while the relay is out of her reach, and goes away.
        relay.Unreachable = true;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => galya.SendAsync("north", "queued while away"));
        relay.Unreachable = false;

        // While she is away Starik removes Alyosha (a new rejoin secret) and writes; retention deletes everything.
        await starik.RemoveFromCellAsync("north", [alyosha.Describe("north").CodeName]);
        await starik.SendAsync("north", "while Galya was away");
        relay.ExpireAll();
        await starik.SyncAsync();

        // Galya comes back: no way back on her own, so she asks Starik, who added her.
        var appendedBefore = relay.Appended.Count;
        var asked = await galya.SyncAsync();
        Assert.Contains(asked.Notices, n => n.Contains("who added it, to add it back", StringComparison.Ordinal));
        Assert.DoesNotContain(asked.Notices, n => n.Contains("ask a member to remove you", StringComparison.Ordinal));
        var behind = galya.Describe("north").Epoch;
        var appendedByGalya = relay.Appended.Count;

        // Starik's next sync adds her back: her old leaf out, the fresh KeyPackage in, one commit.
        var served = await starik.SyncAsync();
        Assert.Contains(served.Notices, n => n.Contains("at their request this node added them back", StringComparison.Ordinal));
        var epoch = starik.Describe("north").Epoch;

        // Galya joins from the Welcome in place of her old group, is told, and her outbox goes out in the new epoch.
        var back = await galya.SyncAsync();
        Assert.Contains(back.Notices, n => n.Contains("a member added it back from its request", StringComparison.Ordinal));
        Assert.Empty(back.Contacts.JoinedCells);
        Assert.Equal(["north"], galya.Cells.Select(c => c.Name));
        Assert.True(galya.Describe("north").Epoch > behind);
        Assert.Equal(starik.Describe("north").Members.Order(StringComparer.Ordinal), galya.Describe("north").Members.Order(StringComparer.Ordinal));
        Assert.Equal(epoch, galya.Describe("north").Epoch);
        Assert.Empty(galya.Outbox);

        Assert.Equal(["queued while away"], (await starik.SyncAsync()).Received.Select(m => m.Text));
        await starik.SendAsync("north", "after Galya came back");
        Assert.Equal(["after Galya came back"], (await galya.SyncAsync()).Received.Select(m => m.Text));

        // A relay that appends her request again (and all else she appended then) changes nothing.
        foreach (var (drop, envelope) in relay.Appended.Take(appendedByGalya).Skip(appendedBefore).ToList())
        {
            relay.Insert(drop, envelope);
        }

        var again = await starik.SyncAsync();
        Assert.Empty(again.Received);
        Assert.DoesNotContain(again.Notices, n => n.Contains("added them back", StringComparison.Ordinal));
        Assert.Equal(epoch, starik.Describe("north").Epoch);
        Assert.Empty((await galya.SyncAsync()).Received);
        Assert.Empty((await starik.SyncAsync()).Received);
    }

    /// <summary>Starik, Alyosha and Galya in "north" (Starik added both), each having read one message; a member checks the rejoin drop on every sync.</summary>
    private static async Task<(CourierNode Starik, CourierNode Alyosha, CourierNode Galya)> CellAsync(TestNodes nodes, InMemoryRelay relay)
    {
        NodeOptions Options() => new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1), RejoinCheck = TimeSpan.Zero, Relays = _ => relay };
        var (starik, alyosha, galya) = (nodes.Create(Options()), nodes.Create(Options()), nodes.Create(Options()));
        await TestNodes.CellOfThreeAsync(nodes.RelayUri, starik, alyosha, galya);
        await starik.SendAsync("north", "before");
        await alyosha.SyncAsync();
        await galya.SyncAsync();
        return (starik, alyosha, galya);
    }
}
