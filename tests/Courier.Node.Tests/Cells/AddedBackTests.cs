using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Storage;
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

    [Fact]
    public async Task A_request_from_another_member_a_non_member_contact_or_for_an_unknown_cell_changes_nothing_and_is_said_once()
    {
        var relay = new InMemoryRelay();
        using var nodes = new TestNodes(relay);
        var (starik, alyosha, galya) = await CellAsync(nodes, relay);
        var volodya = nodes.Create(Options(relay));
        await TestNodes.ContactAsync(nodes.RelayUri, starik, volodya, "Volodya");
        var galyaName = galya.Describe("north").CodeName;
        var suite = (Courier.Mls.Crypto.CipherSuiteId)starik.Describe("north").CipherSuite;
        var groupId = await starik.InspectCellAsync("north", c => c.Group.GroupId);
        byte[] KeyPackageNamed(string name)
        {
            using var bundle = PairwiseIdentity.NewBundle(name, new NodeOptions(), suite);
            return bundle.KeyPackageBytes;
        }

        // Alyosha, a member, asks for Galya's place to go to a KeyPackage of his named as she is: signed by his leaf, not hers.
        var byAlyosha = await alyosha.InspectCellAsync("north", c => c.RequestReAdd(KeyPackageNamed(galyaName)).Encode());
        await alyosha.SendPairwiseAsync(alyosha.Contacts.Single().Id, PairwiseMessageType.ReAdd, byAlyosha);

        // Volodya, a contact outside the cell who learned its group id, asks the same with a signature of his own making.
        var byVolodya = new ReAddRequest(groupId, KeyPackageNamed(galyaName), new byte[64]).Encode();
        await volodya.SendPairwiseAsync(volodya.Contacts.Single().Id, PairwiseMessageType.ReAdd, byVolodya);

        // And asks to be added back to a cell Starik is not in.
        var unknown = new ReAddRequest(new byte[32], KeyPackageNamed("Volodya"), new byte[64]).Encode();
        await volodya.SendPairwiseAsync(volodya.Contacts.Single().Id, PairwiseMessageType.ReAdd, unknown);

        var epoch = starik.Describe("north").Epoch;
        var signatureKeys = await starik.InspectCellAsync("north", c => c.Group.Members.Select(m => Convert.ToHexString(m.SignatureKey)).Order().ToList());
        var result = await starik.SyncAsync();
        Assert.Equal(2, result.Notices.Count(n => n.Contains("was not signed by that member", StringComparison.Ordinal)));
        Assert.Single(result.Notices, n => n.Contains("a cell this node is not a member of", StringComparison.Ordinal));
        Assert.Equal(epoch, starik.Describe("north").Epoch);
        Assert.Equal(signatureKeys, await starik.InspectCellAsync("north", c => c.Group.Members.Select(m => Convert.ToHexString(m.SignatureKey)).Order().ToList()));
        Assert.Empty(galya.Outbox);
        Assert.DoesNotContain(volodya.Cells, c => c.Name == "north");

        // Said once: the next sync says nothing more, and the cell goes on.
        Assert.DoesNotContain((await starik.SyncAsync()).Notices, n => n.Contains("asked", StringComparison.Ordinal));
        await starik.SendAsync("north", "still here");
        Assert.Equal(["still here"], (await galya.SyncAsync()).Received.Select(m => m.Text));
        Assert.Equal(epoch, galya.Describe("north").Epoch);
    }

    [Fact]
    public async Task Two_members_that_receive_the_request_add_the_member_back_once()
    {
        var relay = new InMemoryRelay();
        using var nodes = new TestNodes(relay);
        var (starik, alyosha, galya) = await CellAsync(nodes, relay);
        await TestNodes.ContactAsync(nodes.RelayUri, galya, alyosha, "Alyosha");

        // While Galya is away Starik adds Volodya (a change of members); retention deletes everything.
        var volodya = nodes.Create(Options(relay));
        await TestNodes.ContactAsync(nodes.RelayUri, starik, volodya, "Volodya");
        await starik.AddToCellAsync("north", ["Volodya"]);
        Assert.Equal(["north"], (await volodya.SyncAsync()).Contacts.JoinedCells);
        await alyosha.SyncAsync();
        relay.ExpireAll();
        await starik.SyncAsync();

        // Galya asks Starik; the same request reaches Alyosha too.
        await galya.SyncAsync();
        var kept = Assert.Single(galya.Vault.ReadAll(VaultCollection.ReAddBundle, ReAddBundle.Decode));
        byte[] keyPackage;
        using (var bundle = KeyPackageBundle.Deserialize(kept.Bundle))
        {
            keyPackage = bundle.KeyPackageBytes;
        }

        var request = await galya.InspectCellAsync("north", c => c.RequestReAdd(keyPackage).Encode());
        await galya.SendPairwiseAsync("Alyosha", PairwiseMessageType.ReAdd, request);

        // Alyosha syncs first and adds her back; Starik reads that commit before serving his copy, and does nothing.
        var epoch = starik.Describe("north").Epoch;
        Assert.Contains((await alyosha.SyncAsync()).Notices, n => n.Contains("added them back", StringComparison.Ordinal));
        Assert.DoesNotContain((await starik.SyncAsync()).Notices, n => n.Contains("added them back", StringComparison.Ordinal));
        Assert.Equal(epoch + 1, starik.Describe("north").Epoch);
        Assert.Equal(epoch + 1, alyosha.Describe("north").Epoch);

        // Galya joins from the one Welcome, and the four read each other.
        Assert.Contains((await galya.SyncAsync()).Notices, n => n.Contains("a member added it back", StringComparison.Ordinal));
        Assert.Equal(epoch + 1, galya.Describe("north").Epoch);
        Assert.Equal(4, galya.Describe("north").Members.Count);
        await galya.SendAsync("north", "back");
        foreach (var member in new[] { starik, alyosha, volodya })
        {
            Assert.Equal(["back"], (await member.SyncAsync()).Received.Select(m => m.Text));
            Assert.Equal(epoch + 1, member.Describe("north").Epoch);
        }
    }

    private static NodeOptions Options(InMemoryRelay relay) => new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1), RejoinCheck = TimeSpan.Zero, Relays = _ => relay };

    /// <summary>Starik, Alyosha and Galya in "north" (Starik added both), each having read one message; a member checks the rejoin drop on every sync.</summary>
    private static async Task<(CourierNode Starik, CourierNode Alyosha, CourierNode Galya)> CellAsync(TestNodes nodes, InMemoryRelay relay)
    {
        var (starik, alyosha, galya) = (nodes.Create(Options(relay)), nodes.Create(Options(relay)), nodes.Create(Options(relay)));
        await TestNodes.CellOfThreeAsync(nodes.RelayUri, starik, alyosha, galya);
        await starik.SendAsync("north", "before");
        await alyosha.SyncAsync();
        await galya.SyncAsync();
        return (starik, alyosha, galya);
    }
}
