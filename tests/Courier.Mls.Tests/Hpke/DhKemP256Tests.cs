using System.Security.Cryptography;
using Courier.Mls.Crypto;
using Courier.Mls.Hpke;

namespace Courier.Mls.Tests.Hpke;

/// <summary>
/// DHKEM(P-256, HKDF-SHA256) against what an attacker sends instead of a public key (RFC 9180 §7.1.4):
/// points off the curve, compressed or short encodings, the all-zero "point"; and its secrets wiped
/// after use. The RFC 9180 vectors themselves run in <see cref="HpkeVectorTests"/>.
/// </summary>
public class DhKemP256Tests
{
    private static readonly DhKem Kem = DhKem.P256Sha256;

    private static HpkeVector Aes => HpkeVector.All.Single(v => v.KemId == 0x0010 && v.AeadId == 0x0001);

    /// <summary>Encodings that are not a point on P-256, each 65 bytes but the compressed one.</summary>
    public static TheoryData<string> InvalidPoints()
    {
        var pk = Aes.PkRm;
        var offCurve = (byte[])pk.Clone();
        offCurve[^1] ^= 0x01;
        var badPrefix = (byte[])pk.Clone();
        badPrefix[0] = 0x05;
        var hybrid = (byte[])pk.Clone();
        hybrid[0] = 0x06;
        var zero = new byte[65];
        zero[0] = 0x04;
        var xTooBig = (byte[])pk.Clone();
        xTooBig.AsSpan(1, 32).Fill(0xFF);
        return
        [
            Convert.ToHexString(offCurve),
            Convert.ToHexString(badPrefix),
            Convert.ToHexString(hybrid),
            Convert.ToHexString(zero),
            Convert.ToHexString(xTooBig),
        ];
    }

    [Theory]
    [MemberData(nameof(InvalidPoints))]
    public void Encap_to_an_invalid_point_is_a_ValidationError_and_wipes_the_scratch(string hex)
    {
        var scratch = Filled(DhKem.EncapScratchSize);

        var e = Assert.Throws<HpkeException>(() => Kem.Encap(Convert.FromHexString(hex), new FixedRandom(Aes.IkmE), scratch));

        Assert.Equal(HpkeError.ValidationError, e.Error);
        Assert.All(scratch, b => Assert.Equal(0, b));
        Assert.False(Kem.IsValidPublicKey(Convert.FromHexString(hex)));
    }

    [Theory]
    [MemberData(nameof(InvalidPoints))]
    public void Decap_of_an_invalid_point_is_null_and_wipes_the_scratch(string hex)
    {
        using var skR = HpkePrivateKey.Import(Aes.SkRm, Kem);
        var scratch = Filled(DhKem.DecapScratchSize);

        Assert.Null(Kem.Decap(Convert.FromHexString(hex), skR, scratch));
        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_compressed_point_or_a_wrong_size_is_refused()
    {
        var compressed = new byte[33];
        compressed[0] = (byte)(0x02 | (Aes.PkRm[^1] & 1));
        Aes.PkRm.AsSpan(1, 32).CopyTo(compressed.AsSpan(1));
        using var skR = HpkePrivateKey.Import(Aes.SkRm, Kem);

        Assert.Throws<ArgumentException>(() => Kem.Encap(compressed, new FixedRandom(Aes.IkmE)));
        Assert.Null(Kem.Decap(compressed, skR));
        Assert.False(Kem.IsValidPublicKey(compressed));
        Assert.False(Kem.IsValidPublicKey(Aes.PkRm.AsSpan(0, 64)));
        Assert.True(Kem.IsValidPublicKey(Aes.PkRm));

        // An X25519 key is no P-256 key, and a P-256 key no X25519 key.
        Assert.False(Kem.IsValidPublicKey(HpkeVector.X25519[0].PkRm));
        Assert.False(DhKem.X25519Sha256.IsValidPublicKey(Aes.PkRm));
    }

    [Fact]
    public void Encap_uses_the_scratch_for_its_secrets_and_wipes_it()
    {
        var scratch = Filled(DhKem.EncapScratchSize);

        var (enc, sharedSecret) = Kem.Encap(Aes.PkRm, new FixedRandom(Aes.IkmE), scratch);
        using (sharedSecret)
        {
            Assert.Equal(Aes.Enc, enc);
            Assert.True(sharedSecret.ContentEquals(Aes.SharedSecret));
        }

        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_key_of_one_KEM_is_refused_by_the_other()
    {
        using var p256 = HpkePrivateKey.Import(Aes.SkRm, Kem);
        using var x25519 = HpkePrivateKey.Import(HpkeVector.X25519[0].SkRm, DhKem.X25519Sha256);

        Assert.Throws<ArgumentException>(() => DhKem.X25519Sha256.Decap(HpkeVector.X25519[0].Enc, p256));
        Assert.Throws<ArgumentException>(() => Kem.Decap(Aes.Enc, x25519));
    }

    [Fact]
    public void A_scalar_outside_1_to_n_minus_1_is_not_a_private_key()
    {
        var n = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        var nMinus1 = (byte[])n.Clone();
        nMinus1[^1]--;
        var one = new byte[32];
        one[^1] = 1;

        Assert.False(P256.IsValidScalar(new byte[32]));
        Assert.False(P256.IsValidScalar(n));
        Assert.False(P256.IsValidScalar(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.False(P256.IsValidScalar(one.AsSpan(1)));
        Assert.True(P256.IsValidScalar(one));
        Assert.True(P256.IsValidScalar(nMinus1));

        Assert.Throws<ArgumentException>(() => HpkePrivateKey.Import(n, CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256));
        Assert.Throws<ArgumentException>(() => HpkePrivateKey.Import(new byte[32], CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256));
        using var largest = HpkePrivateKey.Import(nMinus1, CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256);
        Assert.Equal(65, largest.PublicKey.Length);
    }

    [Fact]
    public void Public_keys_and_shared_secrets_agree_with_the_BCL_for_random_keys()
    {
        for (var i = 0; i < 16; i++)
        {
            using var bcl = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            using var ours = HpkePrivateKey.Import(bcl.ExportParameters(true).D, Kem);
            var q = bcl.ExportParameters(false).Q;
            var pq = peer.ExportParameters(false).Q;
            byte[] peerPublic = [0x04, .. pq.X!, .. pq.Y!];

            Assert.Equal([0x04, .. q.X!, .. q.Y!], ours.PublicKey);

            using var viaKem = Kem.Decap(peerPublic, ours)!;
            using var expected = Kem.ExtractAndExpand(bcl.DeriveRawSecretAgreement(peer.PublicKey), peerPublic, ours.PublicKey);
            Assert.True(viaKem.ContentEquals(expected));
        }
    }

    private static byte[] Filled(int length)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, (byte)0xA5);
        return bytes;
    }
}
