using Courier.Frost;
using Courier.Node.Council;
using Courier.Node.Storage;

namespace Courier.Node.Tests.Council;

/// <summary>
/// A council of 5, threshold 3, signing bulletins over its cell (issue 15, must-hold 3; docs/bulletins.md,
/// "The signing protocol"): any three sign (over a real relay process), two cannot, a bad signature share
/// is named and its sender excluded.
/// </summary>
public sealed class CouncilSigningTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("courier-council-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Any_three_of_five_sign_bulletins_over_a_real_relay_that_verify_as_plain_Ed25519_under_the_one_key()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _data);
        using var nodes = new TestNodes();
        var council = await CouncilHarness.CouncilAsync(nodes, relay.Address);
        var key = council[0].CouncilAuthorities.Single().Key;
        Assert.All(council, n => Assert.Equal(key, n.CouncilAuthorities.Single().Key));
        Assert.Equal([1, 2, 3, 4, 5], council.Select(n => n.CouncilAuthorities.Single().Number).Order());

        // Three different sets, each coordinated by one of its members; the others stay offline meanwhile.
        var sets = new[] { (0, 1, 2), (4, 2, 3), (3, 1, 4) };
        var bulletins = new List<Courier.Node.Bulletins.Bulletin>();
        foreach (var (coordinator, a, b) in sets)
        {
            await council[coordinator].SyncAsync();
            var request = await CouncilHarness.SignAsync(council[coordinator], [council[a], council[b]], $"orders {bulletins.Count + 1}");
            var bulletin = CouncilHarness.Verified(council[coordinator], request);
            Assert.Equal((ulong)(bulletins.Count + 1), bulletin.Header.Sequence);
            Assert.Equal(key, Convert.ToHexStringLower(bulletin.Header.Authority));
            bulletins.Add(bulletin);
        }

        // The members who signed hold no nonce once the request is done; nor does anyone else.
        foreach (var node in council)
        {
            await node.SyncAsync();
            Assert.Empty(node.Vault.List(VaultCollection.SigningNonce));
        }
    }

    [Fact]
    public async Task Two_members_cannot_sign_the_request_waits_for_a_third_and_nothing_is_published()
    {
        using var nodes = new TestNodes();
        var council = await CouncilHarness.CouncilAsync(nodes);
        var request = await CouncilHarness.SignAsync(council[0], [council[3]], "orders of two");
        Assert.Equal((SigningStatus.Collecting, 2, 1), (request.Status, request.Committed, request.Round));
        Assert.Empty(council[0].Bulletins);
        Assert.Equal("unknown_authority", Assert.Throws<UnknownAuthorityException>(() => council[0].SignedBulletin(request.Id)).ErrorCode);

        // The others see it waiting for their approval; the two who approved hold one nonce each, unused.
        Assert.Equal(SigningStatus.AwaitingApproval, Assert.Single((await Synced(council[2])).SigningRequests).Status);
        Assert.Single(council[0].Vault.List(VaultCollection.SigningNonce));
        Assert.Single(council[3].Vault.List(VaultCollection.SigningNonce));

        // A third approves: the same request completes.
        await council[2].ApproveSigningAsync(request.Id[..8]);
        await council[0].SyncAsync();
        await council[2].SyncAsync();
        await council[3].SyncAsync();
        await council[0].SyncAsync();
        CouncilHarness.Verified(council[0], council[0].SigningRequests.Single());
    }

    [Fact]
    public async Task A_member_who_sends_a_bad_signature_share_is_named_excluded_and_the_others_complete_with_another_member()
    {
        using var nodes = new TestNodes();
        var council = await CouncilHarness.CouncilAsync(nodes);
        var (coordinator, cheat, honest, other) = (council[0], council[1], council[2], council[3]);
        var cheatName = cheat.Describe("council").CodeName;
        cheat.AlterSignatureShare = share =>
        {
            share[^32] ^= 1;
            return share;
        };

        var request = await coordinator.PublishBulletinAsync("Centre", "orders"u8.ToArray(), "orders despite a cheat", CouncilHarness.Expiry);
        foreach (var signer in new[] { cheat, honest })
        {
            await signer.SyncAsync();
            await signer.ApproveSigningAsync(request.Id);
        }

        await coordinator.SyncAsync();
        var firstPackage = PackageOf(coordinator);
        await cheat.SyncAsync();
        await honest.SyncAsync();
        var named = await coordinator.SyncAsync();
        Assert.Contains(named.Notices, n => n.Contains($"\"{cheatName}\" sent a signature share that does not verify and is excluded; round 2 started", StringComparison.Ordinal));
        request = coordinator.SigningRequests.Single();
        Assert.Equal((SigningStatus.Collecting, 2, 1), (request.Status, request.Round, request.Committed));
        Assert.Equal([cheatName], request.Excluded);
        Assert.Empty(coordinator.Bulletins);

        // Round 2: the honest member commits again by itself (it approved this header), the cheat's commitment is not counted, a fourth member approves.
        await cheat.SyncAsync();
        await honest.SyncAsync();
        await Synced(other);
        await other.ApproveSigningAsync(request.Id);
        await coordinator.SyncAsync();
        var state = StateOf(coordinator);
        Assert.Equal(SigningStatus.Signing, state.Status);
        Assert.DoesNotContain(state.Commitments, c => c.Sender == cheatName);
        var secondPackage = PackageOf(coordinator);
        foreach (var node in new[] { cheat, honest, other })
        {
            await node.SyncAsync();
        }

        await coordinator.SyncAsync();
        var done = coordinator.SigningRequests.Single();
        CouncilHarness.Verified(coordinator, done);
        Assert.Equal(2, done.Round);
        Assert.Equal([cheatName], done.Excluded);

        // No member's two rounds share a nonce: every commitment of round 1 differs from every one of round 2.
        var first = firstPackage.Commitments.Select(c => Convert.ToHexString(c.HidingCommitment)).ToHashSet();
        Assert.All(secondPackage.Commitments, c => Assert.DoesNotContain(Convert.ToHexString(c.HidingCommitment), first));
    }

    /// <summary>The node after a sync.</summary>
    internal static async Task<CourierNode> Synced(CourierNode node)
    {
        await node.SyncAsync();
        return node;
    }

    internal static SigningState StateOf(CourierNode coordinator) => Assert.Single(coordinator.Vault.ReadAll(VaultCollection.SigningRequest, SigningState.Decode));

    internal static SigningPackage PackageOf(CourierNode coordinator) => SigningPackage.Deserialize(StateOf(coordinator).Package);
}
