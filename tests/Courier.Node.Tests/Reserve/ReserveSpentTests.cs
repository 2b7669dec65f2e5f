using Courier.Node.Reserve;
using Courier.Node.Storage;
using Courier.Node.Tests.Panic;

namespace Courier.Node.Tests.Reserve;

/// <summary>Once a reserve's new cell is made, its shares are deleted from every member's vault (docs/exposure.md, "After activation").</summary>
public sealed class ReserveSpentTests
{
    [Fact]
    public async Task After_the_new_cell_is_made_no_member_keeps_a_share_or_a_posted_share_and_the_vault_files_hold_none_of_their_sealed_bytes()
    {
        using var nodes = new TestNodes();
        var (_, members, designation) = await ReserveDesignationTests.DesignatedAsync(nodes);

        // R1, R3 and R5 activate; R1 (share 1) makes the cell once R5 has posted; R3 and R5 join.
        var (first, second, third) = (members[0], members[2], members[4]);
        await Assert.ThrowsAsync<ShareRefusedException>(() => first.ActivateReserveAsync(designation.Id));
        await Assert.ThrowsAsync<ShareRefusedException>(() => second.ActivateReserveAsync(designation.Id));
        Assert.Null((await third.ActivateReserveAsync(designation.Id)).Cell);

        // Before the cell is made, R2 and R4 (who did not activate) hold their shares and the three posted; the scan sees their sealed bytes.
        foreach (var idle in new[] { members[1], members[3] })
        {
            await idle.SyncAsync();
            Assert.Single(idle.Vault.List(VaultCollection.ReserveShare));
            Assert.Equal(3, idle.Vault.List(VaultCollection.ReserveActivation).Count);
        }

        var sealedBytes = new SecretSet();
        foreach (var member in members)
        {
            RetentionTests.AddSealed(member, VaultCollection.ReserveShare, sealedBytes);
            RetentionTests.AddSealed(member, VaultCollection.ReserveActivation, sealedBytes);
        }

        Assert.All(members, m => Assert.False(Scan(m.Home, sealedBytes).Count == 0, "the scan finds the records while they are held"));

        Assert.Equal("north-reserve", (await first.ActivateReserveAsync(designation.Id)).Cell);
        Assert.Equal("north-reserve", (await second.ActivateReserveAsync(designation.Id)).Cell);
        Assert.Equal("north-reserve", (await third.ActivateReserveAsync(designation.Id)).Cell);
        foreach (var member in members)
        {
            await member.SyncAsync();
        }

        // Activators keep only which cell they made or joined; R2 and R4 keep nothing of the reserve.
        foreach (var (member, activated) in members.Select((m, i) => (m, i % 2 == 0)))
        {
            Assert.Empty(member.Vault.List(VaultCollection.ReserveShare));
            Assert.Empty(member.Vault.List(VaultCollection.ReserveActivation));
            Assert.Empty(member.Reserves);
            Assert.Empty((await member.ReportExposureAsync()).Reserves);
            var states = member.Vault.ReadAll(VaultCollection.ReserveState, ActivationState.Decode);
            Assert.Equal(activated ? [("north-reserve", 0)] : [], states.Select(s => (s.Cell, s.Bundle.Length)));
            Assert.Empty(Scan(member.Home, sealedBytes));
        }

        // The new cell still works, and an idle member told the reserve is spent is told why.
        await first.SendAsync("north-reserve", "the reserve is spent");
        await third.SyncAsync();
        Assert.Equal(["the reserve is spent"], third.Read("north-reserve").Select(m => m.Text));
        Assert.Equal("unknown_reserve", (await Assert.ThrowsAsync<UnknownReserveException>(() => members[1].ActivateReserveAsync(designation.Id))).ErrorCode);
    }

    private static List<string> Scan(string home, SecretSet secrets)
        => [.. Directory.GetFiles(home).Where(f => Path.GetFileName(f) != HomeLock.FileName).Select(f => secrets.FindIn(File.ReadAllBytes(f))).OfType<string>()];
}
