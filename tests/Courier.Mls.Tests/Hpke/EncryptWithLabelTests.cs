using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Hpke;
using CsCheck;

namespace Courier.Mls.Tests.Hpke;

/// <summary>RFC 9420 §5.1.3 EncryptWithLabel / DecryptWithLabel and the suite's HPKE and DeriveKeyPair.</summary>
public class EncryptWithLabelTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Fact]
    public void Each_suite_uses_its_AEAD_in_HPKE()
    {
        Assert.Same(HpkeSuite.X25519Sha256Aes128Gcm, CipherSuite.Suite1.Hpke);
        Assert.Same(HpkeSuite.X25519Sha256ChaCha20Poly1305, CipherSuite.Suite3.Hpke);
        Assert.Equal(0x0001, CipherSuite.Suite1.Hpke.AeadId);
        Assert.Equal(0x0003, CipherSuite.Suite3.Hpke.AeadId);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round_trips_and_binds_label_context_and_kem_output(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var key = suite.DeriveKeyPair(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var context = "group context"u8.ToArray();
        var plaintext = "path secret"u8.ToArray();

        var (kemOutput, ciphertext) = suite.EncryptWithLabel(key.PublicKey, "UpdatePathNode", context, plaintext, SystemRandom.Instance);

        Assert.Equal(suite.Hpke.Kem.EncSize, kemOutput.Length);
        Assert.Equal(plaintext.Length + 16, ciphertext.Length);
        Assert.Equal(plaintext, suite.DecryptWithLabel(key, "UpdatePathNode", context, kemOutput, ciphertext));
        Assert.Null(suite.DecryptWithLabel(key, "Welcome", context, kemOutput, ciphertext));
        Assert.Null(suite.DecryptWithLabel(key, "UpdatePathNode", [.. context, 0], kemOutput, ciphertext));
        Assert.Null(suite.DecryptWithLabel(key, "UpdatePathNode", context, kemOutput[..31], ciphertext));
        var otherKemOutput = (byte[])kemOutput.Clone();
        otherKemOutput[0] ^= 0x01;
        Assert.Null(suite.DecryptWithLabel(key, "UpdatePathNode", context, otherKemOutput, ciphertext));
        using var otherKey = suite.DeriveKeyPair(new byte[32]);
        Assert.Null(suite.DecryptWithLabel(otherKey, "UpdatePathNode", context, kemOutput, ciphertext));
    }

    [Fact]
    public void The_two_suites_do_not_open_each_others_ciphertexts()
    {
        using var key = CipherSuite.Suite1.DeriveKeyPair(new byte[32]);
        var (kemOutput, ciphertext) = CipherSuite.Suite1.EncryptWithLabel(key.PublicKey, "Welcome", [], [1, 2, 3], SystemRandom.Instance);

        Assert.Null(CipherSuite.Suite3.DecryptWithLabel(key, "Welcome", [], kemOutput, ciphertext));
        Assert.Equal([1, 2, 3], CipherSuite.Suite1.DecryptWithLabel(key, "Welcome", [], kemOutput, ciphertext));
    }

    [Fact]
    public void EncryptContext_is_the_info_of_SealBase()
    {
        // RFC 9420 §5.1.3: info = EncryptContext { opaque label<V> = "MLS 1.0 " + Label; opaque context<V>; }, aad = "".
        var suite = CipherSuite.Suite1;
        using var key = suite.DeriveKeyPair(new byte[32]);
        var (kemOutput, ciphertext) = suite.EncryptWithLabel(key.PublicKey, "Welcome", [9, 8], [7], SystemRandom.Instance);
        var info = new TlsWriter();
        info.WriteOpaque("MLS 1.0 Welcome"u8);
        info.WriteOpaque([9, 8]);

        Assert.Equal([7], suite.Hpke.OpenBase(kemOutput, key, info.Written, [], ciphertext));
        Assert.Null(suite.Hpke.OpenBase(kemOutput, key, info.Written, [0], ciphertext));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void EncryptWithLabel_with_a_prepared_info_opens_with_DecryptWithLabel_of_the_same_label_and_context(CipherSuiteId id)
    {
        // What a Welcome (§12.4.3.1) and an UpdatePath (§7.6) do: one label and context, many recipients.
        var suite = CipherSuite.Get(id);
        using var first = suite.DeriveKeyPair(new byte[32]);
        using var second = suite.DeriveKeyPair(Enumerable.Repeat((byte)1, 32).ToArray());
        var context = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        var info = suite.EncryptWithLabelInfo("Welcome", context);
        foreach (var key in new[] { first, second })
        {
            var (kemOutput, ciphertext) = suite.EncryptWithLabel(key.PublicKey, info, [4, 5, 6], SystemRandom.Instance);
            Assert.Equal([4, 5, 6], suite.DecryptWithLabel(key, "Welcome", context, kemOutput, ciphertext));
            Assert.Null(suite.DecryptWithLabel(key, "UpdatePathNode", context, kemOutput, ciphertext));
            Assert.Null(suite.DecryptWithLabel(key, "Welcome", context.AsSpan(1), kemOutput, ciphertext));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void DeriveKeyPair_is_the_KEM_derivation_and_is_deterministic(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);

        // No RFC 9180 vector has X-Wing; its DeriveKeyPair is checked against SHAKE256 in XWingKemTests.
        var v = HpkeVector.All.FirstOrDefault(v => v.KemId == suite.Hpke.Kem.Id);
        var ikm = v?.IkmR ?? [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        using var fromSuite = suite.DeriveKeyPair(ikm);
        using var again = suite.DeriveKeyPair(ikm);
        using var exported = fromSuite.ExportPrivateKey();

        Assert.Equal(fromSuite.PublicKey, again.PublicKey);
        if (v is not null)
        {
            Assert.Equal(v.PkRm, fromSuite.PublicKey);
            Assert.True(exported.ContentEquals(v.SkRm));
        }
    }

    [Fact]
    public void Private_key_export_and_import_round_trip()
    {
        using var generated = DhKem.X25519Sha256.GenerateKeyPair(SystemRandom.Instance);
        using var raw = generated.ExportPrivateKey();
        using var imported = HpkePrivateKey.Import(raw.Span);

        Assert.Equal(generated.PublicKey, imported.PublicKey);

        // PublicKey hands out copies: changing one does not change the key.
        var copy = imported.PublicKey;
        copy[0] ^= 0xFF;
        Assert.NotEqual(copy, imported.PublicKey);
    }

    [Fact]
    public void GenerateKeyPair_is_DeriveKeyPair_of_Nsk_random_bytes()
    {
        var ikm = Enumerable.Repeat((byte)0x5A, 32).ToArray();
        var random = new FixedRandom(ikm);
        using var generated = DhKem.X25519Sha256.GenerateKeyPair(random);
        using var derived = DhKem.X25519Sha256.DeriveKeyPair(ikm);

        Assert.True(random.Exhausted);
        Assert.Equal(derived.PublicKey, generated.PublicKey);
    }

    [Fact]
    public void Flipping_the_masked_top_bit_of_enc_changes_the_shared_secret()
    {
        // X25519 ignores bit 255 of a u-coordinate, but kem_context = enc || pkRm uses enc as sent (RFC 9180 §4.1).
        var v = HpkeVector.X25519.Single(c => c.AeadId == 0x0001);
        using var skR = HpkePrivateKey.Import(v.SkRm);
        var enc = (byte[])v.Enc.Clone();
        enc[31] ^= 0x80;

        using var original = DhKem.X25519Sha256.Decap(v.Enc, skR);
        using var flipped = DhKem.X25519Sha256.Decap(enc, skR);
        Assert.NotNull(original);
        Assert.NotNull(flipped);
        Assert.False(flipped.ContentEquals(original));
        Assert.Null(HpkeSuite.X25519Sha256Aes128Gcm.OpenBase(enc, skR, v.Info, v.Encryptions[0].Aad, v.Encryptions[0].Ciphertext));
    }

    [Fact]
    public void Any_plaintext_context_and_single_bit_flip_behave()
    {
        using var key = DhKem.X25519Sha256.GenerateKeyPair(SystemRandom.Instance);
        var publicKey = key.PublicKey;
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Byte.Array[0, 64], Gen.Int[0, int.MaxValue], Gen.Bool).Sample(
            (plaintext, context, flipAt, useSuite3) =>
            {
                var suite = useSuite3 ? CipherSuite.Suite3 : CipherSuite.Suite1;
                var (kemOutput, ciphertext) = suite.EncryptWithLabel(publicKey, "Property", context, plaintext, SystemRandom.Instance);
                Assert.Equal(plaintext, suite.DecryptWithLabel(key, "Property", context, kemOutput, ciphertext));

                var bit = flipAt % ((kemOutput.Length + ciphertext.Length) * 8);
                var target = bit / 8 < kemOutput.Length ? kemOutput : ciphertext;
                var offset = bit / 8 < kemOutput.Length ? bit / 8 : (bit / 8) - kemOutput.Length;

                // Even the top bit of kem_output, which X25519 masks (RFC 7748 §5), counts: kem_context holds enc as sent.
                target[offset] ^= (byte)(1 << (bit % 8));
                Assert.Null(suite.DecryptWithLabel(key, "Property", context, kemOutput, ciphertext));
            },
            iter: 200);
    }
}
