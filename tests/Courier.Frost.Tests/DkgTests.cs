using System.Security.Cryptography;
using static Courier.Frost.Tests.TestSupport;

namespace Courier.Frost.Tests;

public sealed class DkgTests
{
    private static readonly byte[] Message = "bulletin 12: meet at the usual place"u8.ToArray();

    /// <summary>A whole DKG among participants 1 … n: each participant's key and public key package.</summary>
    internal static (KeyPackage Key, PublicKeyPackage PublicKeys)[] Run(int min, int max, RandomSource? random = null)
    {
        var participants = Enumerable.Range(1, max).Select(i => DkgParticipant.Start(Identifier.FromNumber(i), min, max, random)).ToArray();
        var shares = participants.SelectMany(p => p.Round2(participants.Where(o => o != p).Select(o => o.Commitment))).ToArray();
        return [.. participants.Select(p => p.Finish(shares.Where(s => s.To.Equals(p.Identifier))))];
    }

    /// <summary>The secret the shares interpolate to at 0 (test only: nothing in the library does this).</summary>
    internal static byte[] Interpolate(IReadOnlyList<KeyPackage> keys)
    {
        var ids = keys.Select(k => k.Identifier).ToArray();
        var secret = new byte[32];
        foreach (var k in keys)
        {
            secret = Group.Add(secret, Group.Mul(Polynomial.Lagrange(ids, k.Identifier), k.SigningShare));
        }

        return secret;
    }

    internal static bool IsTheKey(byte[] secret, byte[] groupKey) =>
        !Group.IsZero(secret) && Group.BaseMult(secret).AsSpan().SequenceEqual(groupKey);

    [Fact]
    public void Five_agree_on_one_key_any_three_sign_two_cannot()
    {
        var results = Run(3, 5);
        var publicKeys = results[0].PublicKeys;
        Assert.All(results, r => Assert.Equal(publicKeys.Serialize(), r.PublicKeys.Serialize()));
        Assert.All(results, r => r.Key.CheckAgainst(publicKeys));
        var keys = results.Select(r => r.Key).ToArray();
        foreach (var set in new[] { new[] { 0, 1, 2 }, [1, 3, 4], [0, 2, 4], [0, 1, 2, 3, 4] })
        {
            Assert.True(NSecVerifies(publicKeys.GroupPublicKey, Message, SignWith([.. set.Select(i => keys[i])], publicKeys, Message)));
        }

        var two = keys.Take(2).Select(k => Signing.Commit(k)).ToArray();
        var package = new SigningPackage(two.Select(n => n.Commitments), Message);
        Assert.Equal(FrostError.WrongCount, Assert.Throws<FrostException>(() => Signing.Sign(package, two[0], keys[0])).Error);
    }

    [Fact]
    public void No_participant_s_state_nor_any_two_together_reveal_the_key()
    {
        var results = Run(3, 5);
        var keys = results.Select(r => r.Key).ToArray();
        var groupKey = results[0].PublicKeys.GroupPublicKey;
        var secret = Interpolate([keys[0], keys[2], keys[4]]);
        Assert.True(IsTheKey(secret, groupKey)); // three shares do make it: the test could fail

        foreach (var (key, publicKeys) in results)
        {
            // What a participant stores: its key package and the public key package.
            byte[] state = [.. key.Serialize(), .. publicKeys.Serialize()];
            for (var i = 0; i + 32 <= state.Length; i++)
            {
                Assert.False(state.AsSpan(i, 32).SequenceEqual(secret));
                Assert.False(IsTheKey(Group.Reduce([.. state.AsSpan(i, 32), .. new byte[32]]), groupKey));
            }
        }

        foreach (var a in keys)
        {
            foreach (var b in keys.Where(b => b.Identifier.CompareTo(a.Identifier) > 0))
            {
                Assert.False(IsTheKey(Interpolate([a, b]), groupKey));
            }
        }
    }

    [Fact]
    public void A_bad_proof_of_knowledge_is_named()
    {
        var participants = Enumerable.Range(1, 5).Select(i => DkgParticipant.Start(Identifier.FromNumber(i), 3, 5)).ToArray();
        var forged = participants[3].Commitment.Serialize();
        forged[^32] ^= 1; // z changes, still below the order
        var commitments = participants.Select(p => p.Commitment).ToArray();
        commitments[3] = DkgCommitment.Deserialize(forged);
        var error = Assert.Throws<FrostException>(() => participants[0].Round2(commitments.Skip(1)));
        Assert.Equal(FrostError.InvalidProofOfKnowledge, error.Error);
        Assert.Equal([Identifier.FromNumber(4)], error.Culprits);

        // Someone else's proof replayed under another identifier fails too (the challenge binds the identifier).
        var replayed = participants[1].Commitment.Serialize();
        Identifier.FromNumber(5).ToBytes().CopyTo(replayed, 2);
        commitments = [.. participants.Take(4).Select(p => p.Commitment), DkgCommitment.Deserialize(replayed)];
        Assert.Equal([Identifier.FromNumber(5)], Assert.Throws<FrostException>(() => participants[0].Round2(commitments.Skip(1))).Culprits);
    }

    [Fact]
    public void A_bad_share_is_named()
    {
        var participants = Enumerable.Range(1, 5).Select(i => DkgParticipant.Start(Identifier.FromNumber(i), 3, 5)).ToArray();
        var shares = participants.SelectMany(p => p.Round2(participants.Where(o => o != p).Select(o => o.Commitment))).ToList();
        var honest = shares.Single(s => s.From.Equals(Identifier.FromNumber(2)) && s.To.Equals(Identifier.FromNumber(1)));
        shares.Remove(honest);
        shares.Add(new SecretShare(honest.From, honest.To, Group.Add(honest.Value, Group.FromUInt(1))));
        var error = Assert.Throws<FrostException>(() => participants[0].Finish(shares.Where(s => s.To.Equals(Identifier.FromNumber(1)))));
        Assert.Equal(FrostError.InvalidSecretShare, error.Error);
        Assert.Equal([Identifier.FromNumber(2)], error.Culprits);
    }

    [Fact]
    public void Wrong_counts_and_duplicates_are_refused()
    {
        var participants = Enumerable.Range(1, 4).Select(i => DkgParticipant.Start(Identifier.FromNumber(i), 2, 4)).ToArray();
        Assert.Equal(FrostError.WrongCount, Assert.Throws<FrostException>(() => participants[0].Round2(participants.Skip(2).Select(p => p.Commitment))).Error);
        Assert.Equal(FrostError.DuplicateIdentifier, Assert.Throws<FrostException>(() => participants[0].Round2(participants.Select(p => p.Commitment))).Error);
        var other = DkgParticipant.Start(Identifier.FromNumber(4), 3, 4);
        var error = Assert.Throws<FrostException>(() => participants[0].Round2([participants[1].Commitment, participants[2].Commitment, other.Commitment]));
        Assert.Equal(FrostError.WrongCount, error.Error);
        Assert.Equal([Identifier.FromNumber(4)], error.Culprits);
        Assert.Equal(FrostError.ThresholdOutOfRange, Assert.Throws<FrostException>(() => DkgParticipant.Start(Identifier.FromNumber(1), 5, 4)).Error);
    }

    [Fact]
    public void Commitments_and_shares_round_trip()
    {
        var p = DkgParticipant.Start(Identifier.FromNumber(1), 3, 3);
        var q = DkgParticipant.Start(Identifier.FromNumber(2), 3, 3);
        var r = DkgParticipant.Start(Identifier.FromNumber(3), 3, 3);
        var copy = DkgCommitment.Deserialize(p.Commitment.Serialize());
        Assert.Equal(p.Commitment.Serialize(), copy.Serialize());
        var share = q.Round2([copy, r.Commitment])[0];
        Assert.Equal(share.Serialize(), SecretShare.Deserialize(share.Serialize()).Serialize());
        Assert.Equal(FrostError.Malformed, Assert.Throws<FrostException>(() => DkgCommitment.Deserialize(p.Commitment.Serialize()[..^1])).Error);
        Assert.Equal(FrostError.Malformed, Assert.Throws<FrostException>(() => SecretShare.Deserialize([.. share.Serialize(), 0])).Error);
        var identity = p.Commitment.Serialize();
        identity[36] = 1;
        identity.AsSpan(37, 31).Clear();
        Assert.Equal(FrostError.IdentityElement, Assert.Throws<FrostException>(() => DkgCommitment.Deserialize(identity)).Error);
    }
}
