using System.Text.Json;
using Courier.Node.Exposure;
using Courier.Node.Reserve;
using Courier.Node.Storage;

namespace Courier.Node.Tests.Reserve;

/// <summary>What the exposure report shows of the reserve shares a node holds (docs/exposure.md, "The reserve cell").</summary>
public sealed class ReserveExposureTests
{
    [Fact]
    public async Task A_holders_report_names_each_reserve_and_how_far_its_activation_went_but_never_the_share_and_a_non_holder_shows_none()
    {
        using var nodes = new TestNodes();
        var (founder, members, designation) = await ReserveDesignationTests.DesignatedAsync(nodes);

        // R1 and R3 activate (too few); R5 reads what they posted without activating.
        await Assert.ThrowsAsync<ShareRefusedException>(() => members[0].ActivateReserveAsync(designation.Id));
        await Assert.ThrowsAsync<ShareRefusedException>(() => members[2].ActivateReserveAsync(designation.Id));
        await members[0].SyncAsync();
        await members[4].SyncAsync();

        foreach (var (member, activated, seen) in new[] { (members[0], true, 1), (members[2], true, 1), (members[4], false, 2), (members[1], false, 0) })
        {
            var report = await member.ReportExposureAsync();
            var share = Assert.Single(member.Vault.ReadAll(VaultCollection.ReserveShare, StoredReserveShare.Decode)).Message.Share;
            Assert.Equal([new HeldReserve(designation.Id, 3, 5, share.X, "Starik", "reserve", activated, seen)], report.Reserves);

            // Neither the JSON nor anything else in the report carries the share's bytes.
            var json = JsonSerializer.Serialize(report);
            foreach (var encoding in new[] { Convert.ToBase64String(share.Y), Convert.ToHexString(share.Y), Convert.ToHexStringLower(share.Y) })
            {
                Assert.DoesNotContain(encoding, json, StringComparison.Ordinal);
            }
        }

        // The designator holds no share: its report shows none.
        Assert.Empty((await founder.ReportExposureAsync()).Reserves);
    }
}
