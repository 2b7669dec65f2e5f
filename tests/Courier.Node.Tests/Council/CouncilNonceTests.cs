using Courier.Frost;
using Courier.Node.Council;
using Courier.Node.Storage;

namespace Courier.Node.Tests.Council;

/// <summary>
/// Nonces across a crash (issue 15, must-hold 3; docs/frost.md, "Nonces and crashes"): a member closed
/// between the two rounds signs once with its stored nonce after it is opened again, then holds no nonce,
/// and a signing package delivered again is not answered; and no share of the dealt key is left where it should not be.
/// </summary>
public sealed class CouncilNonceTests
{
    [Fact]
    public async Task A_member_closed_between_the_rounds_signs_once_with_its_stored_nonce_and_never_again_with_it()
    {
        using var nodes = new TestNodes();
        var council = await CouncilHarness.CouncilAsync(nodes);
        var (coordinator, other) = (council[0], council[2]);
        var request = await coordinator.PublishBulletinAsync("Centre", "stand fast"u8.ToArray(), "orders across a crash", CouncilHarness.Expiry);
        foreach (var signer in new[] { council[1], other })
        {
            await signer.SyncAsync();
            await signer.ApproveSigningAsync(request.Id);
        }

        // Committed: the nonce is in the vault before the commitment left. The node goes down.
        var stored = Assert.Single(council[1].Vault.ReadAll(VaultCollection.SigningNonce, StoredNonce.Decode));
        var committed = SigningNonces.Deserialize(stored.Nonces).Commitments;
        // Another member's package for that request (it is not the requester) does not spend the nonce.
        var intruder = council[3];
        using var intruderKey = KeyPackage.Deserialize(Assert.Single(intruder.Vault.ReadAll(VaultCollection.AuthorityShare, HeldAuthority.Decode)).KeyPackage);
        using var intruderNonces = Signing.Commit(intruderKey);
        var authorityKey = Convert.FromHexString(coordinator.CouncilAuthorities.Single().Key);
        var header = Assert.Single(coordinator.Vault.ReadAll(VaultCollection.SigningRequest, SigningState.Decode)).Header;
        var forged = new SigningPackage([committed, intruderNonces.Commitments], Courier.Node.Bulletins.Bulletin.SigningInput(Courier.Node.Bulletins.BulletinHeader.Decode(header)));
        Put(council[1], new CouncilMessage(CouncilMessageType.Package, authorityKey, Convert.FromHexString(request.Id), 1, forged.Serialize()), intruder.Describe("council").CodeName);
        var ignored = await council[1].SyncAsync();
        Assert.Contains(ignored.Notices, n => n.Contains("sent a signing package for a request of", StringComparison.Ordinal));
        Assert.Equal(stored.Id, Assert.Single(council[1].Vault.ReadAll(VaultCollection.SigningNonce, StoredNonce.Decode)).Id);

        var home = council[1].Home;
        nodes.Close(council[1]);
        await coordinator.SyncAsync();
        var package = CouncilSigningTests.PackageOf(coordinator);
        Assert.Contains(package.Commitments, c => c.HidingCommitment.AsSpan().SequenceEqual(committed.HidingCommitment));

        // Opened again: it signs with the stored nonce, which is gone once the share is posted.
        var restarted = nodes.Reopen(home);
        var posted = nodes.Relay.Observed.Count;
        await restarted.SyncAsync();
        Assert.Equal(posted + 1, nodes.Relay.Observed.Count);
        Assert.Empty(restarted.Vault.List(VaultCollection.SigningNonce));
        await other.SyncAsync();
        await coordinator.SyncAsync();
        CouncilHarness.Verified(coordinator, coordinator.SigningRequests.Single());

        // The same package again (replayed into its vault as if read from the cell): no nonce, no second share.
        Put(restarted, new CouncilMessage(CouncilMessageType.Package, authorityKey, Convert.FromHexString(request.Id), 1, package.Serialize()), coordinator.Describe("council").CodeName);
        posted = nodes.Relay.Observed.Count;
        var sync = await restarted.SyncAsync();
        Assert.Contains(sync.Notices, n => n.Contains("with nonces it no longer holds (already used, or never made): it did not sign again", StringComparison.Ordinal));
        Assert.Equal(posted, nodes.Relay.Observed.Count);
        Assert.Empty(restarted.Vault.List(VaultCollection.CouncilMessage));

        // Opened again once more: still nothing to sign with.
        nodes.Close(restarted);
        using var again = nodes.Reopen(home);
        Assert.Empty(again.Vault.List(VaultCollection.SigningNonce));
    }

    /// <summary>Puts <paramref name="message"/> into <paramref name="node"/>'s vault as if its sync had read it from the council cell, sent by <paramref name="sender"/>.</summary>
    private static void Put(CourierNode node, CouncilMessage message, string sender)
    {
        var cellId = node.Vault.ReadAll(VaultCollection.AuthorityShare, HeldAuthority.Decode).Single().CellId;
        var received = new ReceivedCouncilMessage(Vault.NewId(), cellId, sender, ulong.MaxValue, message.Encode());
        using var transaction = node.Vault.Begin();
        transaction.Put(VaultCollection.CouncilMessage, received.Id, received.Encode());
        transaction.Commit();
    }

    [Fact]
    public async Task Each_vault_holds_only_its_own_share_the_exposure_report_lists_it_and_a_second_bulletin_with_an_approved_number_is_refused()
    {
        using var nodes = new TestNodes();
        var council = await CouncilHarness.CouncilAsync(nodes);

        // Each vault holds exactly one share, its own; the dealer's vault holds no plaintext of another's.
        var shares = council.Select(n => KeyPackage.Deserialize(Assert.Single(n.Vault.ReadAll(VaultCollection.AuthorityShare, HeldAuthority.Decode)).KeyPackage)).ToList();
        Assert.Equal(5, shares.Select(s => s.Identifier).Distinct().Count());
        var dealerPlaintexts = Enum.GetValues<VaultCollection>().SelectMany(c => council[0].Vault.List(c)).Select(r => r.Plaintext).ToList();
        foreach (var share in shares.Skip(1))
        {
            var secret = share.Serialize().AsSpan(2 + 32, 32).ToArray();
            Assert.All(dealerPlaintexts, p => Assert.True(p.AsSpan().IndexOf(secret) < 0));
        }

        // The exposure report lists the share held, never the share itself.
        var key = council[0].CouncilAuthorities.Single().Key;
        foreach (var node in council)
        {
            var number = node.CouncilAuthorities.Single().Number;
            Assert.Equal([$"Centre (key {key}): share {number} of 5, 3 sign, council cell council"], (await node.ReportExposureAsync()).Bulletins.Shares);
        }

        // Two members ask for number 1 at once: a member who approved the first refuses the second.
        var first = await council[0].PublishBulletinAsync("Centre", "a"u8.ToArray(), "first", CouncilHarness.Expiry);
        var second = await council[4].PublishBulletinAsync("Centre", "b"u8.ToArray(), "second", CouncilHarness.Expiry);
        Assert.Equal((1UL, 1UL), (first.Sequence, second.Sequence));
        await council[1].SyncAsync();
        await council[1].ApproveSigningAsync(first.Id);
        var refused = await Assert.ThrowsAsync<CouncilRefusedException>(() => council[1].ApproveSigningAsync(second.Id));
        Assert.Contains("already approved bulletin number 1", refused.Message, StringComparison.Ordinal);

        // The next request of a member who saw number 1 asked for takes number 2.
        await council[3].SyncAsync();
        Assert.Equal(2UL, (await council[3].PublishBulletinAsync("Centre", "c"u8.ToArray(), "third", CouncilHarness.Expiry)).Sequence);
    }
}
