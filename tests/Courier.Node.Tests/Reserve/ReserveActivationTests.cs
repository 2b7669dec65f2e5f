using System.Text;
using Courier.Node.Reserve;
using Courier.Node.Storage;

namespace Courier.Node.Tests.Reserve;

/// <summary>Activating a reserve cell of 5 with threshold 3 after its founder's node was destroyed (issue 16, must-hold 3).</summary>
public sealed class ReserveActivationTests
{
    [Fact]
    public async Task Three_of_five_members_re_establish_the_layer_of_a_destroyed_founder_and_talk_in_a_new_cell_on_its_relays()
    {
        using var nodes = new TestNodes();
        var (founder, members, designation) = await ReserveDesignationTests.DesignatedAsync(nodes);
        var relays = founder.Layers.Single().Relays;

        // The founder's node is destroyed.
        var home = founder.Home;
        nodes.Close(founder);
        Assert.True(CourierNode.Panic(home));

        var (first, second, third) = (members[0], members[2], members[4]);
        var tooFew = await Assert.ThrowsAsync<ShareRefusedException>(() => first.ActivateReserveAsync(designation.Id));
        Assert.Equal("too_few_shares", tooFew.ErrorCode);
        Assert.Contains("needs 3 shares", tooFew.Message, StringComparison.Ordinal);
        Assert.Equal("too_few_shares", (await Assert.ThrowsAsync<ShareRefusedException>(() => second.ActivateReserveAsync(designation.Id))).ErrorCode);

        // The third has three shares: it reconstructs and waits for the member of share 1 to make the cell.
        var waiting = await third.ActivateReserveAsync(designation.Id);
        Assert.Equal((3, 3, "north", (string?)null, 1), (waiting.Threshold, waiting.Shares, waiting.Layer, waiting.Cell, waiting.Leader));
        Assert.Empty(waiting.Refused);

        var made = await first.ActivateReserveAsync(designation.Id);
        Assert.Equal(("north", "north-reserve", 1), (made.Layer, made.Cell, made.Leader));
        var joined = new[] { await second.ActivateReserveAsync(designation.Id), await third.ActivateReserveAsync(designation.Id) };
        Assert.All(joined, j => Assert.Equal("north-reserve", j.Cell));

        var cell = first.Describe("north-reserve");
        Assert.Contains(cell.Relay, relays);
        Assert.Equal(3, cell.Members.Count);
        Assert.Equal(cell.Members.Order(), second.Describe("north-reserve").Members.Order());
        await first.SendAsync("north-reserve", "we carry on");
        foreach (var other in new[] { second, third })
        {
            await other.SyncAsync();
            Assert.Equal(["we carry on"], other.Read("north-reserve").Select(m => m.Text));
        }

        await third.SendAsync("north-reserve", "understood");
        await first.SyncAsync();
        Assert.Equal(["understood"], first.Read("north-reserve").Select(m => m.Text));

        // Activating again changes nothing (the share is deleted once the cell is made); the members who did not activate are not in the new cell, and one activating late is told so.
        var again = await Assert.ThrowsAsync<ReserveRefusedException>(() => first.ActivateReserveAsync(designation.Id));
        Assert.Contains("is in its new cell \"north-reserve\"", again.Message, StringComparison.Ordinal);
        Assert.Equal("north-reserve", Assert.Single(first.Cells, c => c.Name == "north-reserve").Name);
        Assert.DoesNotContain(members[1].Cells, c => c.Name == "north-reserve");
        var late = await Assert.ThrowsAsync<ReserveRefusedException>(() => members[1].ActivateReserveAsync(designation.Id));
        Assert.Contains("made (by the member of share 1) before this member activated", late.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(members[1].Cells, c => c.Name == "north-reserve");
    }

    [Fact]
    public async Task Two_members_learn_nothing_and_a_wrong_share_is_named_and_not_used()
    {
        using var nodes = new TestNodes();
        var (_, members, designation) = await ReserveDesignationTests.DesignatedAsync(nodes);

        var (a, b) = (members[1], members[3]);
        var layersBefore = a.Layers.Count;
        await Assert.ThrowsAsync<ShareRefusedException>(() => a.ActivateReserveAsync(designation.Id));
        var error = await Assert.ThrowsAsync<ShareRefusedException>(() => b.ActivateReserveAsync(designation.Id));
        Assert.Equal(("too_few_shares", ShareRefusal.TooFew), (error.ErrorCode, error.Reason));
        Assert.Contains("2 are at hand", error.Message, StringComparison.Ordinal);
        Assert.Equal(layersBefore, a.Layers.Count);
        Assert.DoesNotContain(b.Cells, c => c.Name.Contains("reserve-", StringComparison.Ordinal) || c.Name == "north-reserve");

        // What the two hold of the reserve (their shares, and each other's posted share) does not contain the secret.
        await a.SyncAsync();
        var shares = new[] { a, b }.Select(n => Assert.Single(n.Vault.ReadAll(VaultCollection.ReserveShare, StoredReserveShare.Decode))).ToList();
        var secret = ReserveSecret.Decode(Shamir.Combine([.. shares.Select(s => s.Message.Share), Assert.Single(members[0].Vault.ReadAll(VaultCollection.ReserveShare, StoredReserveShare.Decode)).Message.Share]));
        var held = new[] { a, b }.SelectMany(n => n.Vault.ReadAll(VaultCollection.ReserveActivation, (_, p) => p.ToArray()).Concat(n.Vault.ReadAll(VaultCollection.ReserveShare, (_, p) => p.ToArray()))).ToList();
        Assert.Equal(4, held.Count);
        foreach (var plaintext in held)
        {
            Assert.True(plaintext.AsSpan().IndexOf(secret.Nonce) < 0);
            Assert.True(plaintext.AsSpan().IndexOf(Encoding.UTF8.GetBytes("north-1")) < 0);
            Assert.True(plaintext.AsSpan().IndexOf(secret.Map.AsSpan(0, 16)) < 0);
        }

        // A wrong share posted by a third member is named, and not counted.
        var forged = Assert.Single(members[4].Vault.ReadAll(VaultCollection.ReserveShare, StoredReserveShare.Decode)).Message;
        forged.Share.Y[^1] ^= 0x40;
        await members[4].PostReserveShareAsync(forged);
        var refused = await Assert.ThrowsAsync<ShareRefusedException>(() => a.ActivateReserveAsync(designation.Id));
        Assert.Contains("1 posted share(s) did not match", refused.Message, StringComparison.Ordinal);

        Assert.Equal("unknown_reserve", (await Assert.ThrowsAsync<UnknownReserveException>(() => a.ActivateReserveAsync(new string('0', 32)))).ErrorCode);
    }
}
