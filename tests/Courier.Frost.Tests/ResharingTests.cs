using static Courier.Frost.Tests.TestSupport;

namespace Courier.Frost.Tests;

public sealed class ResharingTests
{
    private static readonly byte[] Message = "reserve authority: council renewed"u8.ToArray();

    private static Identifier[] Ids(params int[] numbers) => [.. numbers.Select(Identifier.FromNumber)];

    /// <summary>Old members <paramref name="dealers"/> reshare to <paramref name="council"/>, threshold <paramref name="min"/>.</summary>
    internal static (KeyPackage Key, PublicKeyPackage PublicKeys)[] Reshare(IReadOnlyList<KeyPackage> oldKeys, PublicKeyPackage oldPublic, int[] dealers, int[] council, int min)
    {
        var q = Ids(dealers);
        var dealt = dealers.Select(d => Resharing.Deal(oldKeys[d - 1], q, Ids(council), min)).ToArray();
        return [.. Ids(council).Select(j => Resharing.Receive(j, oldPublic, dealt.Select(d => d.Commitment), dealt.SelectMany(d => d.Shares).Where(s => s.To.Equals(j)), Ids(council), min))];
    }

    [Fact]
    public void Three_of_five_to_a_new_three_of_five_with_two_replaced_keeps_the_key()
    {
        var old = DkgTests.Run(3, 5);
        var oldKeys = old.Select(r => r.Key).ToArray();
        var oldPublic = old[0].PublicKeys;

        // Members 4 and 5 leave, 6 and 7 join; members 1, 2 and 4 deal (any three old members could).
        var renewed = Reshare(oldKeys, oldPublic, [1, 2, 4], [1, 2, 3, 6, 7], 3);
        var newPublic = renewed[0].PublicKeys;
        Assert.Equal(oldPublic.GroupPublicKey, newPublic.GroupPublicKey);
        Assert.All(renewed, r => Assert.Equal(newPublic.Serialize(), r.PublicKeys.Serialize()));
        Assert.Equal(Ids(1, 2, 3, 6, 7), newPublic.Participants);

        var newKeys = renewed.Select(r => r.Key).ToArray();
        foreach (var set in new[] { new[] { 0, 1, 2 }, [2, 3, 4], [0, 3, 4] })
        {
            Assert.True(NSecVerifies(oldPublic.GroupPublicKey, Message, SignWith([.. set.Select(i => newKeys[i])], newPublic, Message)));
        }

        // Every share changed, also those of the members who stayed.
        foreach (var k in newKeys.Where(k => k.Identifier.CompareTo(Identifier.FromNumber(4)) < 0))
        {
            Assert.NotEqual(oldKeys.Single(o => o.Identifier.Equals(k.Identifier)).VerifyingShare, k.VerifyingShare);
        }
    }

    [Fact]
    public void Old_shares_do_not_combine_with_new_ones_but_a_threshold_of_old_shares_still_would()
    {
        var old = DkgTests.Run(3, 5);
        var oldKeys = old.Select(r => r.Key).ToArray();
        var oldPublic = old[0].PublicKeys;
        var renewed = Reshare(oldKeys, oldPublic, [1, 2, 3], [1, 2, 3, 6, 7], 3);
        var newKeys = renewed.Select(r => r.Key).ToArray();
        var newPublic = renewed[0].PublicKeys;
        var groupKey = oldPublic.GroupPublicKey;

        // Departed member 5's old share with two new shares: no key, whichever way it is combined.
        Assert.False(DkgTests.IsTheKey(DkgTests.Interpolate([newKeys[3], newKeys[4], oldKeys[4]]), groupKey));
        Assert.False(DkgTests.IsTheKey(DkgTests.Interpolate([oldKeys[3], oldKeys[4], newKeys[4]]), groupKey));

        // A member who kept its old share (1) signs with it beside two new members: the coordinator names it.
        var signers = new[] { oldKeys[0], newKeys[1], newKeys[3] };
        var nonces = signers.Select(k => Signing.Commit(k)).ToArray();
        var package = new SigningPackage(nonces.Select(n => n.Commitments), Message);
        var shares = signers.Select((k, i) => Signing.Sign(package, nonces[i], k)).ToArray();
        var error = Assert.Throws<FrostException>(() => Signing.Aggregate(package, shares, newPublic));
        Assert.Equal(FrostError.InvalidSignatureShare, error.Error);
        Assert.Equal(Ids(1), error.Culprits);
        var z = shares.Aggregate(new byte[32], (sum, s) => Group.Add(sum, s.Share));
        Assert.False(NSecVerifies(groupKey, Message, [.. new Session(package, groupKey).GroupCommitment, .. z]));

        // The limit of what math can do: three old shares still make the same key. Only their deletion
        // by the old council (or a new key) ends that; resharing cannot.
        Assert.True(DkgTests.IsTheKey(DkgTests.Interpolate([oldKeys[2], oldKeys[3], oldKeys[4]]), groupKey));
        Assert.True(NSecVerifies(groupKey, Message, SignWith([oldKeys[2], oldKeys[3], oldKeys[4]], oldPublic, Message)));

        // Deleted (disposed) old shares cannot sign or be stored again.
        foreach (var k in oldKeys)
        {
            k.Dispose();
        }

        Assert.Throws<ObjectDisposedException>(() => Signing.Commit(oldKeys[2]));
    }

    [Fact]
    public void The_threshold_and_size_may_change()
    {
        var dealt = TrustedDealer.Generate(3, 5);
        var renewed = Reshare(dealt.Shares, dealt.PublicKeys, [2, 3, 5], [1, 2, 3, 4, 5, 6, 7], 5);
        var keys = renewed.Select(r => r.Key).ToArray();
        Assert.Equal(5, renewed[0].PublicKeys.MinSigners);
        Assert.True(NSecVerifies(dealt.PublicKeys.GroupPublicKey, Message, SignWith(keys[..5], renewed[0].PublicKeys, Message)));
        Assert.False(DkgTests.IsTheKey(DkgTests.Interpolate(keys[..4]), dealt.PublicKeys.GroupPublicKey));
    }

    [Fact]
    public void A_dealer_who_deals_another_value_or_a_bad_share_is_named()
    {
        var dealt = TrustedDealer.Generate(3, 5);
        var council = Ids(1, 2, 3, 6, 7);
        var q = Ids(1, 2, 3);
        var parts = new[] { 1, 2, 3 }.Select(d => Resharing.Deal(dealt.Shares[d - 1], q, council, 3)).ToArray();

        // Dealer 2 deals a share of a different key under its own name.
        var stranger = TrustedDealer.Generate(3, 5).Shares[1];
        var shifted = Resharing.Deal(stranger, q, council, 3);
        var commitments = new[] { parts[0].Commitment, shifted.Commitment, parts[2].Commitment };
        var error = Assert.Throws<FrostException>(() => Resharing.Receive(council[3], dealt.PublicKeys, commitments,
            [parts[0].Shares[3], shifted.Shares[3], parts[2].Shares[3]], council, 3));
        Assert.Equal(FrostError.InvalidSecretShare, error.Error);
        Assert.Equal(Ids(2), error.Culprits);

        // Dealer 3 sends member 6 a share off by one.
        var bad = new SecretShare(parts[2].Shares[3].From, parts[2].Shares[3].To, Group.Add(parts[2].Shares[3].Value, Group.FromUInt(1)));
        error = Assert.Throws<FrostException>(() => Resharing.Receive(council[3], dealt.PublicKeys, parts.Select(p => p.Commitment),
            [parts[0].Shares[3], parts[1].Shares[3], bad], council, 3));
        Assert.Equal(Ids(3), error.Culprits);

        // Too few dealers for the old threshold.
        Assert.Equal(FrostError.WrongCount, Assert.Throws<FrostException>(() => Resharing.Deal(dealt.Shares[0], Ids(1, 2), council, 3)).Error);
    }
}
