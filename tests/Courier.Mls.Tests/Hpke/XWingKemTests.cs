using System.Security.Cryptography;
using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.Hpke;

namespace Courier.Mls.Tests.Hpke;

/// <summary>
/// X-Wing through the project's libsodium binding: the draft's own vectors (TestVectors/xwing), HPKE
/// over it (KEM 0x647A, HKDF-SHA512, ChaCha20-Poly1305), what it refuses, and the encapsulation
/// randomness in a caller's scratch wiped after use, also when the operation fails.
/// </summary>
public class XWingKemTests
{
    private static readonly XWingKem Kem = XWingKem.Instance;

    private static readonly Lazy<IReadOnlyList<XWingVector>> Vectors = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestVectors", "xwing", "test-vectors.json")));
        return [.. document.RootElement.EnumerateArray().Select(c => new XWingVector(
            Hex(c, "seed"), Hex(c, "sk"), Hex(c, "pk"), Hex(c, "eseed"), Hex(c, "ct"), Hex(c, "ss")))];
    });

    public static TheoryData<int> VectorIndexes() => [0, 1, 2];

    [Fact]
    public void The_draft_has_three_vectors_and_the_sizes_are_the_drafts()
    {
        Assert.Equal(3, Vectors.Value.Count);
        Assert.Equal(1216, Kem.PublicKeySize);
        Assert.Equal(1120, Kem.EncSize);
        Assert.Equal(64, Kem.EncapRandomSize);
        Assert.Equal(0x647A, Kem.Id);
    }

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Keys_encapsulation_and_decapsulation_match_the_drafts_vectors(int index)
    {
        var v = Vectors.Value[index];
        Assert.Equal(v.Seed, v.Sk);

        using var sk = HpkePrivateKey.Import(v.Sk, Kem);
        Assert.Equal(v.Pk, sk.PublicKey);

        var (enc, sharedSecret) = Kem.Encap(v.Pk, new FixedRandom(v.Eseed));
        using (sharedSecret)
        {
            Assert.Equal(v.Ct, enc);
            Assert.True(sharedSecret.ContentEquals(v.Ss));
        }

        using var decapsulated = Kem.Decap(v.Ct, sk);
        Assert.NotNull(decapsulated);
        Assert.True(decapsulated.ContentEquals(v.Ss));
    }

    [Fact]
    public void Encap_uses_the_scratch_for_eseed_and_wipes_it()
    {
        var v = Vectors.Value[0];
        var scratch = Filled(XWingKem.EncapScratchSize);

        var (enc, sharedSecret) = Kem.Encap(v.Pk, new FixedRandom(v.Eseed), scratch);
        using (sharedSecret)
        {
            Assert.Equal(v.Ct, enc);
            Assert.True(sharedSecret.ContentEquals(v.Ss));
        }

        // Filled with 0xA5 before: all zero means eseed was in it and was wiped.
        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Encap_to_a_refused_key_throws_a_validation_error_and_still_wipes_the_scratch()
    {
        var scratch = Filled(XWingKem.EncapScratchSize);

        var e = Assert.Throws<HpkeException>(() => Kem.Encap(NonCanonicalMlKem(Vectors.Value[0].Pk), new FixedRandom(Vectors.Value[0].Eseed), scratch));

        Assert.Equal(HpkeError.ValidationError, e.Error);
        Assert.All(scratch, b => Assert.Equal(0, b));
    }

    [Fact]
    public void The_shared_secrets_and_the_seed_are_wiped_when_their_owners_are_disposed()
    {
        var v = Vectors.Value[0];
        var sk = HpkePrivateKey.Import(v.Sk, Kem);
        var (_, sent) = Kem.Encap(v.Pk, new FixedRandom(v.Eseed));
        var received = Kem.Decap(v.Ct, sk)!;

        sent.Dispose();
        received.Dispose();
        sk.Dispose();

        Assert.True(sent.IsDisposed);
        Assert.True(received.IsDisposed);
        Assert.True(sk.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => Kem.Decap(v.Ct, sk));
    }

    [Fact]
    public void Public_keys_are_checked_as_the_draft_asks()
    {
        var pk = Vectors.Value[0].Pk;
        Assert.True(Kem.IsValidPublicKey(pk));
        Assert.False(Kem.IsValidPublicKey(pk.AsSpan(0, 1215)));
        Assert.False(Kem.IsValidPublicKey([.. pk, 0]));

        // An ML-KEM coefficient of 4095 >= q fails the encapsulation key check (FIPS 203 §7.2).
        Assert.False(Kem.IsValidPublicKey(NonCanonicalMlKem(pk)));

        // An X25519 part of small order gives an all-zero X25519 secret: refused.
        foreach (var row in HpkeRejectionTests.LowOrderPoints())
        {
            var lowOrder = (byte[])pk.Clone();
            Convert.FromHexString(row).CopyTo(lowOrder, 1184);
            Assert.False(Kem.IsValidPublicKey(lowOrder));
            Assert.Throws<HpkeException>(() => Kem.Encap(lowOrder, SystemRandom.Instance));
        }

        Assert.Throws<ArgumentException>(() => Kem.Encap(pk.AsSpan(0, 32), SystemRandom.Instance));
    }

    [Fact]
    public void Decap_of_a_wrong_size_is_null_and_a_tampered_ciphertext_gives_another_secret()
    {
        var v = Vectors.Value[1];
        using var sk = HpkePrivateKey.Import(v.Sk, Kem);
        Assert.Null(Kem.Decap(v.Ct.AsSpan(0, 1119), sk));

        // ML-KEM's implicit rejection: a flipped bit in its part still decapsulates, to another secret.
        var tampered = (byte[])v.Ct.Clone();
        tampered[17] ^= 0x01;
        using var other = Kem.Decap(tampered, sk);
        Assert.NotNull(other);
        Assert.False(other.ContentEquals(v.Ss));

        // A flipped bit in the X25519 part changes the combiner's input.
        var tamperedX = (byte[])v.Ct.Clone();
        tamperedX[1100] ^= 0x01;
        using var otherX = Kem.Decap(tamperedX, sk);
        Assert.True(otherX is null || !otherX.ContentEquals(v.Ss));
    }

    [Fact]
    public void DeriveKeyPair_is_the_key_of_SHAKE256_of_the_ikm()
    {
        var ikm = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        using var derived = Kem.DeriveKeyPair(ikm);
        using var exported = derived.ExportPrivateKey();
        Assert.True(exported.ContentEquals(Shake256.HashData(ikm, 32)));

        using var again = HpkePrivateKey.Import(Shake256.HashData(ikm, 32), Kem);
        Assert.Equal(again.PublicKey, derived.PublicKey);
        Assert.Throws<ArgumentException>(() => Kem.DeriveKeyPair(new byte[31]));
    }

    [Fact]
    public void Hpke_with_XWing_seals_and_opens_and_refuses_tampering()
    {
        var suite = HpkeSuite.Find(0x647A, 0x0003, 0x0003)!;
        Assert.Same(HpkeSuite.XWingSha512ChaCha20Poly1305, suite);
        using var skR = Kem.GenerateKeyPair(SystemRandom.Instance);
        var info = "courier x-wing"u8.ToArray();
        var aad = "aad"u8.ToArray();
        var plaintext = "harvest now, decrypt never"u8.ToArray();

        var (enc, ciphertext) = suite.SealBase(skR.PublicKey, info, aad, plaintext, SystemRandom.Instance);
        Assert.Equal(1120, enc.Length);
        Assert.Equal(plaintext, suite.OpenBase(enc, skR, info, aad, ciphertext));

        var tamperedEnc = (byte[])enc.Clone();
        tamperedEnc[3] ^= 0x80;
        Assert.Null(suite.OpenBase(tamperedEnc, skR, info, aad, ciphertext));
        Assert.Null(suite.OpenBase(enc, skR, "other"u8, aad, ciphertext));
        using var otherKey = Kem.GenerateKeyPair(SystemRandom.Instance);
        Assert.Null(suite.OpenBase(enc, otherKey, info, aad, ciphertext));

        // A key of another KEM is refused, not misused.
        using var x25519 = DhKem.X25519Sha256.GenerateKeyPair(SystemRandom.Instance);
        Assert.Throws<ArgumentException>(() => suite.OpenBase(enc, x25519, info, aad, ciphertext));
    }

    [Fact]
    public void The_exporter_secret_is_Nh_of_SHA512()
    {
        var v = Vectors.Value[2];
        using var skR = HpkePrivateKey.Import(v.Sk, Kem);
        var suite = HpkeSuite.XWingSha512ChaCha20Poly1305;
        var (enc, sender) = suite.SetupBaseS(v.Pk, "info"u8, new FixedRandom(v.Eseed));
        using (sender)
        {
            Assert.Equal(v.Ct, enc);
            using var receiver = suite.SetupBaseR(enc, skR, "info"u8)!;
            using var a = sender.Export("e"u8, 255 * 64);
            using var b = receiver.Export("e"u8, 255 * 64);
            Assert.True(a.ContentEquals(b.Span));
            Assert.Throws<ArgumentOutOfRangeException>(() => sender.Export("e"u8, (255 * 64) + 1));
        }
    }

    private static byte[] NonCanonicalMlKem(byte[] pk)
    {
        var bad = (byte[])pk.Clone();
        bad[0] = 0xFF;
        bad[1] |= 0x0F;
        return bad;
    }

    private static byte[] Filled(int length) => Enumerable.Repeat((byte)0xA5, length).ToArray();

    private static byte[] Hex(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    private sealed record XWingVector(byte[] Seed, byte[] Sk, byte[] Pk, byte[] Eseed, byte[] Ct, byte[] Ss);
}
