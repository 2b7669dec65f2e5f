using Courier.Mls.Crypto;
using Courier.Mls.Hpke;

namespace Courier.Mls.Tests.Hpke;

/// <summary>What HPKE refuses: tampering, wrong or malformed encapsulations, bad sizes, spent or disposed contexts.</summary>
public class HpkeRejectionTests
{
    /// <summary>X25519 points of small order (and non-canonical encodings of them): DH with any of them is all zero.</summary>
    public static TheoryData<string> LowOrderPoints() => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
    };

    private static HpkeVector Aes => HpkeVector.X25519.Single(v => v.AeadId == 0x0001);

    private static HpkeVector ExportOnly => HpkeVector.X25519.Single(v => v.AeadId == HpkeSuite.ExportOnlyAeadId);

    [Fact]
    public void Tampered_ciphertext_fails_and_does_not_advance_the_sequence()
    {
        var v = Aes;
        using var skR = HpkePrivateKey.Import(v.SkRm);
        using var receiver = HpkeSuite.X25519Sha256Aes128Gcm.SetupBaseR(v.Enc, skR, v.Info)!;
        var first = v.Encryptions[0];

        for (var i = 0; i < first.Ciphertext.Length; i += 7)
        {
            var tampered = (byte[])first.Ciphertext.Clone();
            tampered[i] ^= 0x01;
            Assert.Null(receiver.Open(first.Aad, tampered));
        }

        Assert.Null(receiver.Open(first.Aad, first.Ciphertext[..^1]));
        Assert.Null(receiver.Open(first.Aad, first.Ciphertext[..15]));
        Assert.Null(receiver.Open(first.Aad, []));

        // Failures left seq at 0, so the genuine first message still opens.
        Assert.Equal(first.Plaintext, receiver.Open(first.Aad, first.Ciphertext));
    }

    [Fact]
    public void Tampered_aad_fails()
    {
        var v = Aes;
        using var skR = HpkePrivateKey.Import(v.SkRm);
        using var receiver = HpkeSuite.X25519Sha256Aes128Gcm.SetupBaseR(v.Enc, skR, v.Info)!;
        var first = v.Encryptions[0];
        var aad = (byte[])first.Aad.Clone();
        aad[^1] ^= 0x80;

        Assert.Null(receiver.Open(aad, first.Ciphertext));
        Assert.Null(receiver.Open([], first.Ciphertext));
        Assert.Null(receiver.Open([.. first.Aad, 0], first.Ciphertext));
    }

    [Fact]
    public void Messages_out_of_sequence_fail()
    {
        var v = Aes;
        using var skR = HpkePrivateKey.Import(v.SkRm);
        using var receiver = HpkeSuite.X25519Sha256Aes128Gcm.SetupBaseR(v.Enc, skR, v.Info)!;

        Assert.Null(receiver.Open(v.Encryptions[1].Aad, v.Encryptions[1].Ciphertext));
        Assert.Equal(v.Encryptions[0].Plaintext, receiver.Open(v.Encryptions[0].Aad, v.Encryptions[0].Ciphertext));

        // A replay of message 0 is now out of sequence too.
        Assert.Null(receiver.Open(v.Encryptions[0].Aad, v.Encryptions[0].Ciphertext));
    }

    [Fact]
    public void Wrong_enc_wrong_info_or_wrong_key_fails_to_open()
    {
        var v = Aes;
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        var first = v.Encryptions[0];
        using var skR = HpkePrivateKey.Import(v.SkRm);

        // Another valid point as enc: setup succeeds, the AEAD rejects.
        using var receiver = suite.SetupBaseR(v.PkRm, skR, v.Info);
        Assert.NotNull(receiver);
        Assert.Null(receiver.Open(first.Aad, first.Ciphertext));

        Assert.Null(suite.OpenBase(v.PkRm, skR, v.Info, first.Aad, first.Ciphertext));
        Assert.Null(suite.OpenBase(v.Enc, skR, [.. v.Info, 0], first.Aad, first.Ciphertext));
        using var otherKey = suite.Kem.DeriveKeyPair(v.IkmE);
        Assert.Null(suite.OpenBase(v.Enc, otherKey, v.Info, first.Aad, first.Ciphertext));
        Assert.Equal(first.Plaintext, suite.OpenBase(v.Enc, skR, v.Info, first.Aad, first.Ciphertext));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(65)]
    public void Enc_of_the_wrong_size_is_a_clean_failure(int size)
    {
        var v = Aes;
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        using var skR = HpkePrivateKey.Import(v.SkRm);
        var enc = new byte[size];
        v.Enc.AsSpan(0, Math.Min(size, v.Enc.Length)).CopyTo(enc);

        Assert.Null(suite.Kem.Decap(enc, skR));
        Assert.Null(suite.SetupBaseR(enc, skR, v.Info));
        Assert.Null(suite.OpenBase(enc, skR, v.Info, v.Encryptions[0].Aad, v.Encryptions[0].Ciphertext));
    }

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void Low_order_enc_is_rejected_by_the_receiver(string hex)
    {
        var v = Aes;
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        using var skR = HpkePrivateKey.Import(v.SkRm);
        var enc = Convert.FromHexString(hex);

        Assert.Null(suite.Kem.Decap(enc, skR));
        Assert.Null(suite.SetupBaseR(enc, skR, v.Info));
        Assert.Null(suite.OpenBase(enc, skR, v.Info, [], new byte[32]));
    }

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void Low_order_recipient_key_is_a_validation_error_for_the_sender(string hex)
    {
        var suite = HpkeSuite.X25519Sha256ChaCha20Poly1305;
        var pkR = Convert.FromHexString(hex);

        Assert.Equal(HpkeError.ValidationError, Assert.Throws<HpkeException>(() => suite.SetupBaseS(pkR, [], SystemRandom.Instance)).Error);
        Assert.Equal(HpkeError.ValidationError, Assert.Throws<HpkeException>(() => suite.SealBase(pkR, [], [], [1, 2, 3], SystemRandom.Instance)).Error);
        var e = Assert.Throws<HpkeException>(() => CipherSuite.Suite3.EncryptWithLabel(pkR, "Welcome", [], [1], SystemRandom.Instance));
        Assert.DoesNotContain(hex, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Keys_of_the_wrong_size_are_caller_bugs(int size)
    {
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        var bytes = new byte[size];

        Assert.Throws<ArgumentException>(() => HpkePrivateKey.Import(bytes));
        Assert.Throws<ArgumentException>(() => suite.SetupBaseS(bytes, [], SystemRandom.Instance));
        Assert.Throws<ArgumentException>(() => suite.SealBase(bytes, [], [], [], SystemRandom.Instance));
        Assert.Throws<ArgumentException>(() => suite.Kem.Encap(bytes, SystemRandom.Instance));
        Assert.Throws<ArgumentException>(() => CipherSuite.Suite1.EncryptWithLabel(bytes, "Welcome", [], [], SystemRandom.Instance));
    }

    [Fact]
    public void DeriveKeyPair_refuses_less_than_Nsk_bytes_of_ikm()
    {
        Assert.Throws<ArgumentException>(() => DhKem.X25519Sha256.DeriveKeyPair(new byte[31]));
        Assert.Throws<ArgumentException>(() => CipherSuite.Suite1.DeriveKeyPair([]));
        using var key = DhKem.X25519Sha256.DeriveKeyPair(new byte[64]);
        Assert.Equal(32, key.PublicKey.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((255 * 32) + 1)]
    [InlineData(int.MaxValue)]
    public void Export_length_outside_1_to_255_Nh_is_refused(int length)
    {
        var v = ExportOnly;
        using var schedule = HpkeSuite.X25519Sha256ExportOnly.KeySchedule(v.SharedSecret, v.Info);
        using var sender = new HpkeSenderContext(HpkeSuite.X25519Sha256ExportOnly, schedule);

        Assert.Throws<ArgumentOutOfRangeException>(() => sender.Export([], length));
    }

    [Fact]
    public void Export_of_exactly_255_Nh_bytes_is_allowed_and_prefixes_agree()
    {
        var v = ExportOnly;
        using var skR = HpkePrivateKey.Import(v.SkRm);
        using var receiver = HpkeSuite.X25519Sha256ExportOnly.SetupBaseR(v.Enc, skR, v.Info)!;

        using var longest = receiver.Export("ctx"u8, 255 * 32);
        Assert.Equal(255 * 32, longest.Length);

        // HKDF-Expand output depends on L through the labeled info, so a shorter export is not a prefix.
        using var shorter = receiver.Export("ctx"u8, 32);
        Assert.False(shorter.ContentEquals(longest.Span[..32]));
    }

    [Fact]
    public void Export_only_contexts_refuse_to_seal_or_open()
    {
        var v = ExportOnly;
        var suite = HpkeSuite.X25519Sha256ExportOnly;
        var (enc, sender) = suite.SetupBaseS(v.PkRm, v.Info, new FixedRandom(v.IkmE));
        using (sender)
        {
            Assert.Throws<InvalidOperationException>(() => sender.Seal([], [1]));
        }

        using var skR = HpkePrivateKey.Import(v.SkRm);
        using var receiver = suite.SetupBaseR(enc, skR, v.Info)!;
        Assert.Throws<InvalidOperationException>(() => receiver.Open([], new byte[17]));

        // The single-shot API refuses before drawing any randomness.
        var unused = new FixedRandom(v.IkmE);
        Assert.Throws<InvalidOperationException>(() => suite.SealBase(v.PkRm, v.Info, [], [1], unused));
        Assert.False(unused.Exhausted);
        Assert.Throws<InvalidOperationException>(() => suite.OpenBase(enc, skR, v.Info, [], new byte[17]));
    }

    [Fact]
    public void Sender_refuses_to_pass_its_message_limit()
    {
        var v = Aes;
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        using var sender = new HpkeSenderContext(suite, suite.KeySchedule(v.SharedSecret, v.Info), messageLimit: 2);

        Assert.Equal(v.Encryptions[0].Ciphertext, sender.Seal(v.Encryptions[0].Aad, v.Encryptions[0].Plaintext));
        Assert.Equal(v.Encryptions[1].Ciphertext, sender.Seal(v.Encryptions[1].Aad, v.Encryptions[1].Plaintext));
        var e = Assert.Throws<HpkeException>(() => sender.Seal(v.Encryptions[2].Aad, v.Encryptions[2].Plaintext));
        Assert.Equal(HpkeError.MessageLimitReached, e.Error);

        // Still refused: the limit is not a transient condition.
        Assert.Throws<HpkeException>(() => sender.Seal([], []));
        using var export = sender.Export([], 32);
        Assert.True(export.ContentEquals(v.Exports[0].ExportedValue));
    }

    [Fact]
    public void Receiver_refuses_to_pass_its_message_limit()
    {
        var v = Aes;
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        using var receiver = new HpkeReceiverContext(suite, suite.KeySchedule(v.SharedSecret, v.Info), messageLimit: 1);

        Assert.Null(receiver.Open(v.Encryptions[1].Aad, v.Encryptions[1].Ciphertext));
        Assert.Equal(v.Encryptions[0].Plaintext, receiver.Open(v.Encryptions[0].Aad, v.Encryptions[0].Ciphertext));
        var e = Assert.Throws<HpkeException>(() => receiver.Open(v.Encryptions[1].Aad, v.Encryptions[1].Ciphertext));
        Assert.Equal(HpkeError.MessageLimitReached, e.Error);
    }

    [Fact]
    public void Default_message_limit_is_the_64_bit_sequence_space()
    {
        Assert.Equal(ulong.MaxValue, HpkeContext.DefaultMessageLimit);
    }

    [Fact]
    public void Disposing_a_sender_context_wipes_its_key_schedule_and_refuses_every_operation()
    {
        var v = Aes;
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        var schedule = suite.KeySchedule(v.SharedSecret, v.Info);
        var sender = new HpkeSenderContext(suite, schedule);
        Assert.Equal(v.Encryptions[0].Ciphertext, sender.Seal(v.Encryptions[0].Aad, v.Encryptions[0].Plaintext));

        sender.Dispose();

        Assert.True(sender.IsDisposed);
        Assert.True(schedule.Key!.IsDisposed);
        Assert.True(schedule.BaseNonce!.IsDisposed);
        Assert.True(schedule.ExporterSecret.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => sender.Seal(v.Encryptions[1].Aad, v.Encryptions[1].Plaintext));
        Assert.Throws<ObjectDisposedException>(() => sender.Export([], 32));
        sender.Dispose();
    }

    [Fact]
    public void Disposing_a_receiver_context_wipes_its_key_schedule_and_refuses_every_operation()
    {
        var v = Aes;
        var suite = HpkeSuite.X25519Sha256Aes128Gcm;
        var schedule = suite.KeySchedule(v.SharedSecret, v.Info);
        var receiver = new HpkeReceiverContext(suite, schedule);

        receiver.Dispose();

        Assert.True(receiver.IsDisposed);
        Assert.True(schedule.Key!.IsDisposed);
        Assert.True(schedule.BaseNonce!.IsDisposed);
        Assert.True(schedule.ExporterSecret.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => receiver.Open(v.Encryptions[0].Aad, v.Encryptions[0].Ciphertext));
        Assert.Throws<ObjectDisposedException>(() => receiver.Export([], 32));
    }

    [Fact]
    public void A_context_refuses_a_key_schedule_of_another_suite()
    {
        var v = Aes;
        using var exportOnly = HpkeSuite.X25519Sha256ExportOnly.KeySchedule(v.SharedSecret, v.Info);
        using var chacha = HpkeSuite.X25519Sha256ChaCha20Poly1305.KeySchedule(v.SharedSecret, v.Info);

        Assert.Throws<ArgumentException>(() => new HpkeSenderContext(HpkeSuite.X25519Sha256Aes128Gcm, exportOnly));
        Assert.Throws<ArgumentException>(() => new HpkeReceiverContext(HpkeSuite.X25519Sha256Aes128Gcm, chacha));
    }

    [Fact]
    public void Disposed_private_key_refuses_to_export_or_decapsulate()
    {
        var v = Aes;
        var key = HpkePrivateKey.Import(v.SkRm);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.ExportPrivateKey());
        Assert.Throws<ObjectDisposedException>(() => HpkeSuite.X25519Sha256Aes128Gcm.SetupBaseR(v.Enc, key, v.Info));
    }

    [Fact]
    public void Nothing_secret_appears_in_strings()
    {
        var v = Aes;
        using var key = HpkePrivateKey.Import(v.SkRm);
        using var receiver = HpkeSuite.X25519Sha256Aes128Gcm.SetupBaseR(v.Enc, key, v.Info)!;
        foreach (var text in new[] { key.ToString(), receiver.ToString() })
        {
            Assert.DoesNotContain(Convert.ToHexStringLower(v.SkRm), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToHexStringLower(v.Key), text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
