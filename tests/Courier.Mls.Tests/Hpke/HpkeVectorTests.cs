using Courier.Mls.Hpke;

namespace Courier.Mls.Tests.Hpke;

/// <summary>Every case of the RFC 9180 vectors for DHKEM(X25519, HKDF-SHA256) and DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, base mode.</summary>
public class HpkeVectorTests
{
    public static TheoryData<int> Cases() => HpkeVector.Indexes();

    [Fact]
    public void Vectors_cover_aes_gcm_chacha_and_export_only_for_both_kems()
    {
        Assert.Equal([0x0001, 0x0003, 0xFFFF], HpkeVector.All.Where(v => v.KemId == 0x0020).Select(v => (int)v.AeadId).Order());
        Assert.Equal([0x0001, 0x0003, 0xFFFF], HpkeVector.All.Where(v => v.KemId == 0x0010).Select(v => (int)v.AeadId).Order());
        Assert.All(HpkeVector.All, v => Assert.NotNull(Suite(v)));
        Assert.All(HpkeVector.All.Where(v => v.AeadId != HpkeSuite.ExportOnlyAeadId), v => Assert.NotEmpty(v.Encryptions));
        Assert.All(HpkeVector.All, v => Assert.NotEmpty(v.Exports));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DeriveKeyPair_matches_skEm_pkEm_skRm_pkRm(int index)
    {
        var v = HpkeVector.All[index];
        var kem = Suite(v).Kem;

        using var skE = kem.DeriveKeyPair(v.IkmE);
        using (var exported = skE.ExportPrivateKey())
        {
            Assert.True(exported.ContentEquals(v.SkEm));
        }

        Assert.Equal(v.PkEm, skE.PublicKey);

        using var skR = kem.DeriveKeyPair(v.IkmR);
        using (var exported = skR.ExportPrivateKey())
        {
            Assert.True(exported.ContentEquals(v.SkRm));
        }

        Assert.Equal(v.PkRm, skR.PublicKey);

        using var imported = HpkePrivateKey.Import(v.SkRm, Suite(v).Kem);
        Assert.Equal(v.PkRm, imported.PublicKey);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encap_with_ikmE_as_randomness_reproduces_enc_and_shared_secret(int index)
    {
        var v = HpkeVector.All[index];
        var kem = Suite(v).Kem;
        var random = new FixedRandom(v.IkmE);

        var (enc, sharedSecret) = kem.Encap(v.PkRm, random);
        using (sharedSecret)
        {
            Assert.True(random.Exhausted);
            Assert.Equal(v.Enc, enc);
            Assert.True(sharedSecret.ContentEquals(v.SharedSecret));
        }

        using var skR = HpkePrivateKey.Import(v.SkRm, Suite(v).Kem);
        using var decapsulated = kem.Decap(v.Enc, skR);
        Assert.NotNull(decapsulated);
        Assert.True(decapsulated.ContentEquals(v.SharedSecret));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Key_schedule_reproduces_context_secret_key_base_nonce_and_exporter_secret(int index)
    {
        var v = HpkeVector.All[index];
        var suite = Suite(v);

        Assert.Equal(v.KeyScheduleContext, suite.KeyScheduleContext(v.Info));
        using (var secret = suite.ExtractSecret(v.SharedSecret))
        {
            Assert.True(secret.ContentEquals(v.Secret));
        }

        using var schedule = suite.KeySchedule(v.SharedSecret, v.Info);
        if (v.AeadId == HpkeSuite.ExportOnlyAeadId)
        {
            // The export-only AEAD has no key or base_nonce (RFC 9180 §5.3); the vector leaves them empty.
            Assert.Empty(v.Key);
            Assert.Empty(v.BaseNonce);
            Assert.Null(schedule.Key);
            Assert.Null(schedule.BaseNonce);
        }
        else
        {
            Assert.True(schedule.Key!.ContentEquals(v.Key));
            Assert.True(schedule.BaseNonce!.ContentEquals(v.BaseNonce));
        }

        Assert.True(schedule.ExporterSecret.ContentEquals(v.ExporterSecret));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SetupBaseS_with_ikmE_gives_enc_and_SetupBaseR_agrees(int index)
    {
        var v = HpkeVector.All[index];
        var suite = Suite(v);
        var random = new FixedRandom(v.IkmE);

        var (enc, sender) = suite.SetupBaseS(v.PkRm, v.Info, random);
        using (sender)
        {
            Assert.Equal(v.Enc, enc);
            Assert.True(random.Exhausted);
            using var skR = HpkePrivateKey.Import(v.SkRm, Suite(v).Kem);
            using var receiver = suite.SetupBaseR(enc, skR, v.Info);
            Assert.NotNull(receiver);

            // Both ends hold the vector's exporter_secret: an export over it matches on both.
            var first = v.Exports[0];
            using var fromSender = sender.Export(first.ExporterContext, first.Length);
            using var fromReceiver = receiver.Export(first.ExporterContext, first.Length);
            Assert.True(fromSender.ContentEquals(first.ExportedValue));
            Assert.True(fromReceiver.ContentEquals(first.ExportedValue));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_encryption_seals_to_ct_and_opens_to_pt_in_sequence(int index)
    {
        var v = HpkeVector.All[index];
        if (v.AeadId == HpkeSuite.ExportOnlyAeadId)
        {
            Assert.Empty(v.Encryptions);
            return;
        }

        var suite = Suite(v);
        var (enc, sender) = suite.SetupBaseS(v.PkRm, v.Info, new FixedRandom(v.IkmE));
        using var skR = HpkePrivateKey.Import(v.SkRm, Suite(v).Kem);
        using var receiver = suite.SetupBaseR(enc, skR, v.Info);
        Assert.NotNull(receiver);
        using (sender)
        {
            for (var i = 0; i < v.Encryptions.Count; i++)
            {
                var e = v.Encryptions[i];
                Assert.True(e.Ciphertext.AsSpan().SequenceEqual(sender.Seal(e.Aad, e.Plaintext)), $"seal of encryption {i}");
                Assert.True(e.Plaintext.AsSpan().SequenceEqual(receiver.Open(e.Aad, e.Ciphertext)), $"open of encryption {i}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_export_matches_from_both_contexts(int index)
    {
        var v = HpkeVector.All[index];
        var suite = Suite(v);
        var (enc, sender) = suite.SetupBaseS(v.PkRm, v.Info, new FixedRandom(v.IkmE));
        using var skR = HpkePrivateKey.Import(v.SkRm, Suite(v).Kem);
        using var receiver = suite.SetupBaseR(enc, skR, v.Info);
        Assert.NotNull(receiver);
        using (sender)
        {
            foreach (var export in v.Exports)
            {
                using var fromSender = sender.Export(export.ExporterContext, export.Length);
                using var fromReceiver = receiver.Export(export.ExporterContext, export.Length);
                Assert.True(fromSender.ContentEquals(export.ExportedValue), $"sender export of {Convert.ToHexStringLower(export.ExporterContext)}");
                Assert.True(fromReceiver.ContentEquals(export.ExportedValue), $"receiver export of {Convert.ToHexStringLower(export.ExporterContext)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Single_shot_OpenBase_opens_the_first_encryption(int index)
    {
        var v = HpkeVector.All[index];
        if (v.AeadId == HpkeSuite.ExportOnlyAeadId)
        {
            Assert.Empty(v.Encryptions);
            return;
        }

        var suite = Suite(v);
        var first = v.Encryptions[0];
        var (enc, ciphertext) = suite.SealBase(v.PkRm, v.Info, first.Aad, first.Plaintext, new FixedRandom(v.IkmE));
        Assert.Equal(v.Enc, enc);
        Assert.Equal(first.Ciphertext, ciphertext);

        using var skR = HpkePrivateKey.Import(v.SkRm, Suite(v).Kem);
        Assert.Equal(first.Plaintext, suite.OpenBase(v.Enc, skR, v.Info, first.Aad, first.Ciphertext));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SealBasePrepared_with_the_info_hashed_once_reproduces_every_sealing_of_SealBase(int index)
    {
        var v = HpkeVector.All[index];
        if (v.AeadId == HpkeSuite.ExportOnlyAeadId)
        {
            Assert.Throws<InvalidOperationException>(() => Suite(v).SealBasePrepared(v.PkRm, Suite(v).PrepareInfo(v.Info), [], [1], new FixedRandom(v.IkmE)));
            return;
        }

        // One prepared info serves many recipients: the same result as SealBase each time.
        var suite = Suite(v);
        var info = suite.PrepareInfo(v.Info);
        Assert.Equal(v.KeyScheduleContext, info.KeyScheduleContext);
        foreach (var encryption in v.Encryptions.Take(3))
        {
            var (enc, ciphertext) = suite.SealBasePrepared(v.PkRm, info, encryption.Aad, encryption.Plaintext, new FixedRandom(v.IkmE));
            var expected = suite.SealBase(v.PkRm, v.Info, encryption.Aad, encryption.Plaintext, new FixedRandom(v.IkmE));
            Assert.Equal(v.Enc, enc);
            Assert.Equal(expected.Enc, enc);
            Assert.Equal(expected.Ciphertext, ciphertext);
        }
    }

    [Fact]
    public void SealBasePrepared_refuses_an_info_prepared_for_another_suite()
    {
        var v = HpkeVector.X25519.First(v => v.AeadId == 0x0001);
        var other = HpkeSuite.X25519Sha256ChaCha20Poly1305.PrepareInfo(v.Info);

        Assert.Throws<ArgumentException>(() => HpkeSuite.X25519Sha256Aes128Gcm.SealBasePrepared(v.PkRm, other, [], [1], new FixedRandom(v.IkmE)));
    }

    private static HpkeSuite Suite(HpkeVector v)
        => HpkeSuite.Find(v.KemId, v.KdfId, v.AeadId) ?? throw new InvalidOperationException($"no suite for {v}");
}
