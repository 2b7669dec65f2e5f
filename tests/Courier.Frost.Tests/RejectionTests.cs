using static Courier.Frost.Tests.TestSupport;

namespace Courier.Frost.Tests;

/// <summary>Every typed refusal, from the inputs an attacker controls.</summary>
public sealed class RejectionTests
{
    private static readonly byte[] Identity = [1, .. new byte[31]];

    // A point of order 8 (libsodium's small-order blocklist), on the curve but outside the prime-order subgroup.
    private static readonly byte[] SmallOrder = Hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");

    // y = p: not a canonical encoding.
    private static readonly byte[] NonCanonical = Hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

    private static byte[] Commitments(Identifier id, byte[] hiding, byte[] binding) => [1, 4, .. id.ToBytes(), .. hiding, .. binding];

    private static FrostError ErrorOf(Action action) => Assert.Throws<FrostException>(action).Error;

    [Fact]
    public void Identity_and_invalid_elements_are_refused()
    {
        var good = Signing.Commit(TrustedDealer.Generate(2, 3).Shares[0]).Commitments;
        var id = Identifier.FromNumber(1);
        Assert.Equal(FrostError.IdentityElement, ErrorOf(() => SigningCommitments.Deserialize(Commitments(id, Identity, good.BindingCommitment))));
        Assert.Equal(FrostError.IdentityElement, ErrorOf(() => SigningCommitments.Deserialize(Commitments(id, good.HidingCommitment, Identity))));
        Assert.Equal(FrostError.InvalidElement, ErrorOf(() => SigningCommitments.Deserialize(Commitments(id, SmallOrder, good.BindingCommitment))));
        Assert.Equal(FrostError.InvalidElement, ErrorOf(() => SigningCommitments.Deserialize(Commitments(id, NonCanonical, good.BindingCommitment))));

        // A point of mixed order: the base point plus a point of order 8; on the curve, canonical, not in the subgroup.
        var mixed = Group.AddElements(Group.BaseMult(Group.FromUInt(1)), SmallOrder);
        Assert.Equal(FrostError.InvalidElement, ErrorOf(() => Group.DeserializeElement(mixed, "x")));
        Assert.Equal(FrostError.InvalidElement, ErrorOf(() => SigningCommitments.Deserialize(Commitments(id, good.HidingCommitment, mixed))));
        Assert.Equal(FrostError.Malformed, ErrorOf(() => Group.DeserializeElement(new byte[31], "x")));

        var keys = TrustedDealer.Generate(2, 3).PublicKeys.Serialize();
        Identity.CopyTo(keys, keys.Length - 32);
        Assert.Equal(FrostError.IdentityElement, ErrorOf(() => PublicKeyPackage.Deserialize(keys)));
    }

    [Fact]
    public void Scalars_at_or_above_the_group_order_are_refused()
    {
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        var order = Hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        var share = new SignatureShare(Identifier.FromNumber(1), Group.FromUInt(5)).Serialize();
        order.CopyTo(share, 2 + 32);
        Assert.Equal(FrostError.InvalidScalar, ErrorOf(() => SignatureShare.Deserialize(share)));
        Assert.Equal(FrostError.InvalidScalar, ErrorOf(() => Identifier.Parse(order)));
    }

    [Fact]
    public void Zero_and_duplicate_identifiers_are_refused()
    {
        Assert.Equal(FrostError.ZeroIdentifier, ErrorOf(() => Identifier.Parse(new byte[32])));
        Assert.Equal(FrostError.ZeroIdentifier, ErrorOf(() => Identifier.FromNumber(0)));
        Assert.Equal(FrostError.Malformed, ErrorOf(() => Identifier.Parse(new byte[33])));

        var dealt = TrustedDealer.Generate(2, 3);
        var a = Signing.Commit(dealt.Shares[0]);
        var b = Signing.Commit(dealt.Shares[0]);
        var error = Assert.Throws<FrostException>(() => new SigningPackage([a.Commitments, b.Commitments], "m"u8));
        Assert.Equal(FrostError.DuplicateIdentifier, error.Error);
        Assert.Equal([Identifier.FromNumber(1)], error.Culprits);

        // The same commitments twice in an encoded package.
        var c = Signing.Commit(dealt.Shares[1]);
        var encoded = new SigningPackage([a.Commitments, c.Commitments], "m"u8).Serialize();
        a.Commitments.Serialize().AsSpan(2).CopyTo(encoded.AsSpan(4 + 96));
        Assert.Equal(FrostError.DuplicateIdentifier, ErrorOf(() => SigningPackage.Deserialize(encoded)));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(0, 3)]
    [InlineData(4, 3)]
    [InlineData(2, 65536)]
    public void Thresholds_out_of_range_are_refused(int min, int max) =>
        Assert.Equal(FrostError.ThresholdOutOfRange, ErrorOf(() => TrustedDealer.Generate(min, max)));

    /// <summary>Each encoding with the function that reads it and writes it again.</summary>
    private static (byte[] Bytes, Func<byte[], byte[]> Reread)[] Encodings()
    {
        var dealt = TrustedDealer.Generate(2, 3);
        var nonces = Signing.Commit(dealt.Shares[0]);
        var other = Signing.Commit(dealt.Shares[1]);
        var package = new SigningPackage([nonces.Commitments, other.Commitments], "m"u8);
        var dkg = Enumerable.Range(1, 3).Select(i => DkgParticipant.Start(Identifier.FromNumber(i), 2, 3)).ToArray();
        return
        [
            (dealt.Shares[0].Serialize(), b => KeyPackage.Deserialize(b).Serialize()),
            (dealt.PublicKeys.Serialize(), b => PublicKeyPackage.Deserialize(b).Serialize()),
            (Signing.Commit(dealt.Shares[2]).Serialize(), b => SigningNonces.Deserialize(b).Serialize()),
            (other.Commitments.Serialize(), b => SigningCommitments.Deserialize(b).Serialize()),
            (package.Serialize(), b => SigningPackage.Deserialize(b).Serialize()),
            (Signing.Sign(package, nonces, dealt.Shares[0]).Serialize(), b => SignatureShare.Deserialize(b).Serialize()),
            (dkg[0].Commitment.Serialize(), b => DkgCommitment.Deserialize(b).Serialize()),
            (dkg[0].Round2(dkg.Skip(1).Select(p => p.Commitment))[0].Serialize(), b => SecretShare.Deserialize(b).Serialize()),
        ];
    }

    [Fact]
    public void Wrong_sizes_kinds_and_trailing_bytes_are_refused_and_what_parses_writes_back_the_same()
    {
        foreach (var (bytes, reread) in Encodings())
        {
            Assert.Equal(bytes, reread(bytes));
            Assert.Equal(FrostError.Malformed, ErrorOf(() => reread(bytes[..^1])));
            Assert.Equal(FrostError.Malformed, ErrorOf(() => reread([.. bytes, 0])));
            Assert.Equal(FrostError.Malformed, ErrorOf(() => reread([2, .. bytes[1..]])));
            Assert.Equal(FrostError.Malformed, ErrorOf(() => reread([1, (byte)(bytes[1] ^ 0x40), .. bytes[2..]])));
            Assert.Equal(FrostError.Malformed, ErrorOf(() => reread([])));
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_read_or_refused_with_a_typed_error()
    {
        foreach (var (bytes, reread) in Encodings())
        {
            for (var bit = 0; bit < bytes.Length * 8; bit++)
            {
                var flipped = (byte[])bytes.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                try
                {
                    // What is accepted must be what is written back: no second encoding of one value.
                    Assert.Equal(flipped, reread(flipped));
                }
                catch (FrostException)
                {
                }
            }
        }
    }

    [Fact]
    public void Shares_from_outside_the_signer_set_or_missing_are_refused()
    {
        var dealt = TrustedDealer.Generate(2, 3);
        var n = dealt.Shares.Select(k => Signing.Commit(k)).ToArray();
        var package = new SigningPackage([n[0].Commitments, n[1].Commitments], "m"u8);
        var s0 = Signing.Sign(package, n[0], dealt.Shares[0]);
        Assert.Equal(FrostError.WrongCount, ErrorOf(() => Signing.Aggregate(package, [s0], dealt.PublicKeys)));
        Assert.Equal(FrostError.DuplicateIdentifier, ErrorOf(() => Signing.Aggregate(package, [s0, s0], dealt.PublicKeys)));
        Assert.Equal(FrostError.WrongCount, ErrorOf(() => new SigningPackage([n[0].Commitments], "m"u8)));

        // A key package that does not belong to the public key package.
        var stranger = TrustedDealer.Generate(2, 3);
        Assert.Equal(FrostError.InconsistentKey, ErrorOf(() => stranger.Shares[0].CheckAgainst(dealt.PublicKeys)));
        dealt.Shares[0].CheckAgainst(dealt.PublicKeys);
    }

    [Fact]
    public void Secrets_do_not_print()
    {
        var dealt = TrustedDealer.Generate(2, 3);
        var key = dealt.Shares[0];
        var share = Convert.ToHexStringLower(key.SigningShare);
        var nonces = Signing.Commit(key);
        var stored = Convert.ToHexStringLower(nonces.Serialize());
        Assert.DoesNotContain(share, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(stored.Substring(4, 64), nonces.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(stored.Substring(68, 64), nonces.ToString(), StringComparison.Ordinal);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Serialize());
    }
}
