using static Courier.Frost.Tests.TestSupport;

namespace Courier.Frost.Tests;

public sealed class SigningTests
{
    private static readonly byte[] Message = "cell north-3 is burned"u8.ToArray();

    /// <summary>A fresh 3-of-5 key and round one of members 1, 2 and 3.</summary>
    private static (DealtKeys Dealt, KeyPackage[] Signers, SigningNonces[] Nonces, SigningPackage Package) FirstThreeOfFive()
    {
        var dealt = TrustedDealer.Generate(3, 5);
        var signers = dealt.Shares.Take(3).ToArray();
        var nonces = signers.Select(k => Signing.Commit(k)).ToArray();
        return (dealt, signers, nonces, new SigningPackage(nonces.Select(n => n.Commitments), Message));
    }

    [Fact]
    public void Every_three_of_five_sign_and_nsec_verifies()
    {
        var dealt = TrustedDealer.Generate(3, 5);
        var sets = from a in Enumerable.Range(0, 5) from b in Enumerable.Range(a + 1, 4 - a) from c in Enumerable.Range(b + 1, 4 - b) select new[] { a, b, c };
        foreach (var set in sets)
        {
            var signature = SignWith([.. set.Select(i => dealt.Shares[i])], dealt.PublicKeys, Message);
            Assert.True(NSecVerifies(dealt.PublicKeys.GroupPublicKey, Message, signature), string.Join(",", set));
        }
    }

    [Fact]
    public void Two_of_a_three_of_five_key_cannot_sign()
    {
        var dealt = TrustedDealer.Generate(3, 5);
        var two = dealt.Shares.Take(2).ToArray();
        var nonces = two.Select(k => Signing.Commit(k)).ToArray();
        var package = new SigningPackage(nonces.Select(n => n.Commitments), Message);

        // The library refuses outright…
        var refused = Assert.Throws<FrostException>(() => Signing.Sign(package, nonces[0], two[0]));
        Assert.Equal(FrostError.WrongCount, refused.Error);

        // …and two shares that act as if the threshold were 2 make no valid signature: they lie on a
        // degree-2 polynomial, and two points do not fix it.
        using var asIfTwo = new KeyPackage(two[0].Identifier, two[0].SigningShare.ToArray(), two[0].GroupPublicKey, 2);
        using var asIfTwoB = new KeyPackage(two[1].Identifier, two[1].SigningShare.ToArray(), two[1].GroupPublicKey, 2);
        var n2 = new[] { Signing.Commit(asIfTwo), Signing.Commit(asIfTwoB) };
        var p2 = new SigningPackage(n2.Select(n => n.Commitments), Message);
        var z = new[] { Signing.Sign(p2, n2[0], asIfTwo), Signing.Sign(p2, n2[1], asIfTwoB) };
        var session = new Session(p2, dealt.PublicKeys.GroupPublicKey);
        var forged = session.GroupCommitment.Concat(Group.Add(z[0].Share, z[1].Share)).ToArray();
        Assert.False(NSecVerifies(dealt.PublicKeys.GroupPublicKey, Message, forged));
    }

    [Fact]
    public void A_bad_share_is_named_and_the_others_complete_with_another_signer()
    {
        var (dealt, signers, nonces, package) = FirstThreeOfFive();
        var shares = signers.Select((k, i) => Signing.Sign(package, nonces[i], k)).ToArray();

        // Signer 2 sends a share that is off by one.
        var bad = new SignatureShare(shares[1].Identifier, Group.Add(shares[1].Share, Group.FromUInt(1)));
        Assert.False(Signing.VerifyShare(package, bad, dealt.PublicKeys));
        Assert.True(Signing.VerifyShare(package, shares[0], dealt.PublicKeys));
        Assert.Equal([Identifier.FromNumber(2)], Signing.InvalidShares(package, [shares[0], bad, shares[2]], dealt.PublicKeys));
        Assert.Empty(Signing.InvalidShares(package, shares, dealt.PublicKeys));
        var error = Assert.Throws<FrostException>(() => Signing.Aggregate(package, [shares[0], bad, shares[2]], dealt.PublicKeys));
        Assert.Equal(FrostError.InvalidSignatureShare, error.Error);
        Assert.Equal([Identifier.FromNumber(2)], error.Culprits);

        // A new session without participant 2, with participant 4 instead.
        var again = new[] { dealt.Shares[0], dealt.Shares[2], dealt.Shares[3] };
        var signature = SignWith(again, dealt.PublicKeys, Message);
        Assert.True(NSecVerifies(dealt.PublicKeys.GroupPublicKey, Message, signature));
    }

    [Fact]
    public void A_share_made_for_another_message_or_signer_set_is_named()
    {
        var (dealt, signers, nonces, package) = FirstThreeOfFive();
        var other = new SigningPackage(nonces.Select(n => n.Commitments), "another message"u8);
        var shares = new[] { Signing.Sign(package, nonces[0], signers[0]), Signing.Sign(package, nonces[1], signers[1]), Signing.Sign(other, nonces[2], signers[2]) };
        var error = Assert.Throws<FrostException>(() => Signing.Aggregate(package, shares, dealt.PublicKeys));
        Assert.Equal([Identifier.FromNumber(3)], error.Culprits);
    }

    [Fact]
    public void A_consumed_nonce_throws_and_a_restored_copy_is_the_storage_s_job()
    {
        var (dealt, signers, nonces, package) = FirstThreeOfFive();
        Signing.Sign(package, nonces[0], signers[0]);
        Assert.True(nonces[0].IsConsumed);
        Assert.Equal(FrostError.NonceConsumed, Assert.Throws<FrostException>(() => Signing.Sign(package, nonces[0], signers[0])).Error);
        Assert.Equal(FrostError.NonceConsumed, Assert.Throws<FrostException>(() => nonces[0].Serialize()).Error);

        // A disposed nonce is consumed too.
        nonces[1].Dispose();
        Assert.Equal(FrostError.NonceConsumed, Assert.Throws<FrostException>(() => Signing.Sign(package, nonces[1], signers[1])).Error);
    }

    [Fact]
    public void A_refused_package_does_not_consume_the_nonce()
    {
        var (dealt, signers, nonces, _) = FirstThreeOfFive();
        var foreign = Signing.Commit(signers[0]);
        var wrong = new SigningPackage([foreign.Commitments, nonces[1].Commitments, nonces[2].Commitments], Message);
        Assert.Equal(FrostError.CommitmentMismatch, Assert.Throws<FrostException>(() => Signing.Sign(wrong, nonces[0], signers[0])).Error);
        Assert.False(nonces[0].IsConsumed);
        var withoutMe = new SigningPackage([nonces[1].Commitments, nonces[2].Commitments, Signing.Commit(dealt.Shares[3]).Commitments], Message);
        Assert.Equal(FrostError.UnknownIdentifier, Assert.Throws<FrostException>(() => Signing.Sign(withoutMe, nonces[0], signers[0])).Error);
    }

    [Fact]
    public void Nonces_survive_storage_and_sign_once()
    {
        var (dealt, signers, nonces, package) = FirstThreeOfFive();
        var stored = nonces[0].Serialize();
        nonces[0].Dispose();
        var restored = SigningNonces.Deserialize(stored);
        var shares = new[] { Signing.Sign(package, restored, signers[0]), Signing.Sign(package, nonces[1], signers[1]), Signing.Sign(package, nonces[2], signers[2]) };
        Assert.True(NSecVerifies(dealt.PublicKeys.GroupPublicKey, Message, Signing.Aggregate(package, shares, dealt.PublicKeys)));

        // Stored nonces whose commitments were altered are refused.
        stored[^1] ^= 1;
        Assert.Throws<FrostException>(() => SigningNonces.Deserialize(stored));
    }

    [Fact]
    public void Seven_of_fifteen_sign()
    {
        var dealt = TrustedDealer.Generate(7, 15, Seeded(7));
        var signature = SignWith([.. dealt.Shares.Where((_, i) => i % 2 == 0).Take(7)], dealt.PublicKeys, Message);
        Assert.True(NSecVerifies(dealt.PublicKeys.GroupPublicKey, Message, signature));
    }
}
