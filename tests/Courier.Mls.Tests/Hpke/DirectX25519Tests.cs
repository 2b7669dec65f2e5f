using Courier.Mls.Crypto;
using Courier.Mls.Hpke;
using NSec.Cryptography;

namespace Courier.Mls.Tests.Hpke;

/// <summary>
/// DHKEM(X25519) calls libsodium's X25519 directly, with its ephemeral secrets in a caller's scratch
/// buffer: the results are the RFC 9180 vectors' and NSec's, and the scratch is wiped after use,
/// also when the operation fails.
/// </summary>
public class DirectX25519Tests
{
    private static HpkeVector Aes => HpkeVector.X25519.Single(v => v.AeadId == 0x0001);

    [Fact]
    public void Encap_uses_the_scratch_for_its_secrets_and_wipes_it()
    {
        var v = Aes;
        var scratch = Filled(DhKem.EncapScratchSize);

        var (enc, sharedSecret) = DhKem.X25519Sha256.Encap(v.PkRm, new FixedRandom(v.IkmE), scratch);
        using (sharedSecret)
        {
            Assert.Equal(v.Enc, enc);
            Assert.True(sharedSecret.ContentEquals(v.SharedSecret));
        }

        // Filled with 0xA5 before: all zero means the secrets were in it and were wiped.
        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Theory]
    [MemberData(nameof(HpkeRejectionTests.LowOrderPoints), MemberType = typeof(HpkeRejectionTests))]
    public void Encap_to_a_low_order_key_throws_and_still_wipes_the_scratch(string hex)
    {
        var scratch = Filled(DhKem.EncapScratchSize);

        var e = Assert.Throws<HpkeException>(() => DhKem.X25519Sha256.Encap(Convert.FromHexString(hex), new FixedRandom(Aes.IkmE), scratch));

        Assert.Equal(HpkeError.ValidationError, e.Error);
        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Decap_uses_the_scratch_for_the_dh_output_and_wipes_it()
    {
        var v = Aes;
        using var skR = HpkePrivateKey.Import(v.SkRm);
        var scratch = Filled(DhKem.DecapScratchSize);

        using var sharedSecret = DhKem.X25519Sha256.Decap(v.Enc, skR, scratch);

        Assert.NotNull(sharedSecret);
        Assert.True(sharedSecret.ContentEquals(v.SharedSecret));
        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Theory]
    [MemberData(nameof(HpkeRejectionTests.LowOrderPoints), MemberType = typeof(HpkeRejectionTests))]
    public void Decap_of_a_low_order_enc_is_null_and_wipes_the_scratch(string hex)
    {
        using var skR = HpkePrivateKey.Import(Aes.SkRm);
        var scratch = Filled(DhKem.DecapScratchSize);

        Assert.Null(DhKem.X25519Sha256.Decap(Convert.FromHexString(hex), skR, scratch));
        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_scratch_of_the_wrong_size_is_refused()
    {
        using var skR = HpkePrivateKey.Import(Aes.SkRm);

        Assert.Throws<ArgumentOutOfRangeException>(() => DhKem.X25519Sha256.Encap(Aes.PkRm, new FixedRandom(Aes.IkmE), new byte[DhKem.EncapScratchSize - 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DhKem.X25519Sha256.Decap(Aes.Enc, skR, new byte[DhKem.DecapScratchSize + 1]));
    }

    [Fact]
    public void Disposing_a_private_key_wipes_it()
    {
        var key = HpkePrivateKey.Import(Aes.SkRm);
        Assert.Equal(Aes.SkRm, key.Scalar.ToArray());

        key.Dispose();

        Assert.True(key.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => key.Scalar.Length);
    }

    [Fact]
    public void Public_keys_and_shared_secrets_agree_with_NSec_for_random_keys()
    {
        var x25519 = KeyAgreementAlgorithm.X25519;
        var exportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        for (var i = 0; i < 32; i++)
        {
            using var nsecKey = Key.Create(x25519, exportable);
            using var peer = Key.Create(x25519, exportable);
            using var ours = HpkePrivateKey.Import(nsecKey.Export(KeyBlobFormat.RawPrivateKey));
            var peerPublic = peer.PublicKey.Export(KeyBlobFormat.RawPublicKey);

            Assert.Equal(nsecKey.PublicKey.Export(KeyBlobFormat.RawPublicKey), ours.PublicKey);

            // Decap computes ExtractAndExpand(DH(skR, enc), enc || pkR): the same from NSec's DH output.
            using var viaSodium = DhKem.X25519Sha256.Decap(peerPublic, ours)!;
            using var dh = x25519.Agree(nsecKey, peer.PublicKey, new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport })!;
            var nsecDh = new byte[32];
            Assert.True(dh.TryExport(SharedSecretBlobFormat.RawSharedSecret, nsecDh, out _));
            using var expected = DhKem.X25519Sha256.ExtractAndExpand(nsecDh, peerPublic, ours.PublicKey);
            Assert.True(viaSodium.ContentEquals(expected));
        }
    }

    private static byte[] Filled(int length)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, (byte)0xA5);
        return bytes;
    }
}
