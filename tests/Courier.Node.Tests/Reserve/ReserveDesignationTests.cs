using System.Text;
using Courier.Node.Exposure;
using Courier.Node.Introductions;
using Courier.Node.Reserve;
using Courier.Node.Storage;

namespace Courier.Node.Tests.Reserve;

/// <summary>Designating a reserve cell: each member gets its own share, alone (docs/exposure.md, "The reserve cell").</summary>
public sealed class ReserveDesignationTests
{
    [Fact]
    public async Task Each_of_five_members_keeps_only_its_own_share_and_any_three_give_the_layers_relays_pins_and_map()
    {
        using var nodes = new TestNodes();
        var (founder, members) = await ReserveCellAsync(nodes, 5);
        var relaysBefore = nodes.Relay.Observed.Count;

        var designation = await founder.DesignateReserveAsync("reserve", "north", 3, ["R1", "R2", "R3", "R4", "R5"]);
        Assert.Equal(("north", 3, 5), (designation.Layer, designation.Threshold, designation.Members.Count));
        Assert.Empty(designation.Notices);
        Assert.Empty(founder.Outbox);

        // Five envelopes, one to each member's pairwise drop; nothing to the reserve cell.
        Assert.Equal(5, nodes.Relay.Observed.Count - relaysBefore);
        foreach (var member in members)
        {
            var sync = await member.SyncAsync();
            Assert.Empty(sync.Contacts.Rejected);
            Assert.Empty(member.Read("reserve"));
        }

        var infos = members.Select(m => Assert.Single(m.Reserves)).ToList();
        Assert.All(infos, i => Assert.Equal((designation.Id, 3, 5, "Starik"), (i.Id, i.Threshold, i.Count, i.DesignatedBy)));
        Assert.Equal([1, 2, 3, 4, 5], infos.Select(i => i.Number).Order());

        // Any three shares give the secret; it holds the layer and the founder's map, and no share holds it.
        var held = members.Select(m => Assert.Single(m.Vault.ReadAll(VaultCollection.ReserveShare, StoredReserveShare.Decode))).ToList();
        var secretBytes = Shamir.Combine([held[0].Message.Share, held[2].Message.Share, held[4].Message.Share]);
        Assert.Equal(secretBytes, Shamir.Combine([held[3].Message.Share, held[1].Message.Share, held[0].Message.Share]));
        var secret = ReserveSecret.Decode(secretBytes);
        Assert.Equal(("north", false), (secret.Layer, secret.RequirePostQuantum));
        Assert.Equal(founder.Layers.Single().Relays, secret.Relays);
        var map = OrganizationMap.Decode(secret.Map);
        Assert.Equal(["north-1", "reserve"], map.Cells.Select(c => c.Name).Order());
        Assert.Equal(5, map.Contacts.Count);
        Assert.All(held, h => Assert.Equal(held[0].Message.SecretCommitment, h.Message.SecretCommitment));
        Assert.Equal(held[0].Message.SecretCommitment, ReserveShareMessage.CommitSecret(held[0].Message.ReserveId, secretBytes));
        foreach (var share in held)
        {
            var plaintext = share.Encode();
            Assert.False(Contains(plaintext, secret.Nonce));
            Assert.False(Contains(plaintext, Encoding.UTF8.GetBytes(secret.Relays[0])));
            Assert.False(Contains(plaintext, Encoding.UTF8.GetBytes("north-1")));
        }

        // Kept across a restart.
        var home = members[0].Home;
        nodes.Close(members[0]);
        using var reopened = nodes.Reopen(home);
        Assert.Equal(infos[0], Assert.Single(reopened.Reserves));
    }

    [Fact]
    public async Task A_bad_threshold_or_a_share_that_does_not_match_its_commitments_is_refused_and_nothing_is_kept()
    {
        using var nodes = new TestNodes();
        var (founder, members) = await ReserveCellAsync(nodes, 3);
        foreach (var (k, named) in new[] { (1, 3), (4, 3), (2, 1) })
        {
            var error = await Assert.ThrowsAsync<ReserveRefusedException>(() => founder.DesignateReserveAsync("reserve", "north", k, [.. new[] { "R1", "R2", "R3" }.Take(named)]));
            Assert.Equal("reserve_refused", error.ErrorCode);
        }

        await Assert.ThrowsAsync<UnknownLayerException>(() => founder.DesignateReserveAsync("reserve", "south", 2, ["R1", "R2"]));
        await Assert.ThrowsAsync<UnknownContactException>(() => founder.DesignateReserveAsync("reserve", "north", 2, ["R1", "Nobody"]));

        // A share altered after its commitments were made, and bytes that are no share, are refused.
        await founder.DesignateReserveAsync("reserve", "north", 2, ["R1", "R2", "R3"]);
        Assert.Empty((await members[0].SyncAsync()).Contacts.Rejected);
        var share = Assert.Single(members[0].Vault.ReadAll(VaultCollection.ReserveShare, StoredReserveShare.Decode)).Message;
        share.Share.Y[0] ^= 1;
        await founder.SendPairwiseAsync("R2", PairwiseMessageType.ReserveShare, (share with { ReserveId = new byte[16] }).Encode());
        await founder.SendPairwiseAsync("R2", PairwiseMessageType.ReserveShare, [1, 2, 3]);
        share.Share.Y[0] ^= 1;
        await founder.SendPairwiseAsync("R2", PairwiseMessageType.ReserveShare, share.Encode());
        var rejected = (await members[1].SyncAsync()).Contacts.Rejected;
        Assert.Equal(3, rejected.Count);
        Assert.Contains(rejected, r => r.Contains("a second share of a reserve", StringComparison.Ordinal));
        Assert.Single(members[1].Reserves);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>A reserve of 3 of 5 for "north" in the cell "reserve" (<see cref="ReserveCellAsync"/>), every member holding its share.</summary>
    internal static async Task<(CourierNode Founder, List<CourierNode> Members, ReserveDesignation Designation)> DesignatedAsync(TestNodes nodes)
    {
        var (founder, members) = await ReserveCellAsync(nodes, 5);
        var designation = await founder.DesignateReserveAsync("reserve", "north", 3, ["R1", "R2", "R3", "R4", "R5"]);
        foreach (var member in members)
        {
            await member.SyncAsync();
        }

        return (founder, members, designation);
    }

    /// <summary>A founder with a layer "north" holding a cell "north-1", and a cell "reserve" of <paramref name="count"/> contacts R1.. who joined it.</summary>
    internal static async Task<(CourierNode Founder, List<CourierNode> Members)> ReserveCellAsync(TestNodes nodes, int count)
    {
        var founder = nodes.Create();
        var members = Enumerable.Range(0, count).Select(_ => nodes.Create()).ToList();
        for (var i = 0; i < count; i++)
        {
            await nodes.ConnectAsync(founder, members[i], inviterName: "Starik", acceptorName: $"R{i + 1}");
        }

        founder.CreateLayer("north", [nodes.RelayUri]);
        await founder.CreateCellAsync("north-1");
        await founder.CreateCellAsync("reserve");
        await founder.AddToCellAsync("reserve", [.. Enumerable.Range(1, count).Select(i => $"R{i}")]);
        foreach (var member in members)
        {
            Assert.Equal(["reserve"], (await member.SyncAsync()).Contacts.JoinedCells);
        }

        return (founder, members);
    }
}
