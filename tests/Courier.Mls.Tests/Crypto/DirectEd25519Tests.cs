using Courier.Mls.Crypto;
using NSec.Cryptography;

namespace Courier.Mls.Tests.Crypto;

/// <summary>
/// Ed25519 signing keys call libsodium directly with the secret key in a <see cref="Secret"/>: the
/// signatures are RFC 8032's and NSec's, verification refuses what NSec's does, and disposing a
/// key wipes its secret.
/// </summary>
public class DirectEd25519Tests
{
    // RFC 8032 §7.1, TEST 1 (empty message) and TEST 3 (two bytes).
    public static TheoryData<string, string, string, string> Rfc8032 => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8032))]
    public void Signatures_are_the_RFC_8032_vectors(string seed, string publicKey, string message, string signature)
    {
        using var key = SignaturePrivateKey.Import(Convert.FromHexString(seed));

        Assert.Equal(Convert.FromHexString(publicKey), key.PublicKey);
        Assert.Equal(Convert.FromHexString(signature), key.Sign(Convert.FromHexString(message)));
        Assert.True(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, key.PublicKey, Convert.FromHexString(message), Convert.FromHexString(signature)));
    }

    [Fact]
    public void Keys_signatures_and_verification_agree_with_NSec_for_random_keys()
    {
        var ed25519 = SignatureAlgorithm.Ed25519;
        var exportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        for (var i = 0; i < 32; i++)
        {
            using var nsecKey = Key.Create(ed25519, exportable);
            using var ours = SignaturePrivateKey.Import(nsecKey.Export(KeyBlobFormat.RawPrivateKey));
            var message = new byte[i * 37];
            Random.Shared.NextBytes(message);

            var signature = ours.Sign(message);

            Assert.Equal(nsecKey.PublicKey.Export(KeyBlobFormat.RawPublicKey), ours.PublicKey);
            Assert.Equal(ed25519.Sign(nsecKey, message), signature);
            Assert.True(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, ours.PublicKey, message, signature));

            // Any flipped bit of the signature, the message or the key is refused, as NSec refuses it.
            var bit = Random.Shared.Next(8);
            var badSignature = (byte[])signature.Clone();
            badSignature[Random.Shared.Next(badSignature.Length)] ^= (byte)(1 << bit);
            Assert.False(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, ours.PublicKey, message, badSignature));
            Assert.False(ed25519.Verify(nsecKey.PublicKey, message, badSignature));
            var badKey = (byte[])ours.PublicKey.Clone();
            badKey[Random.Shared.Next(badKey.Length)] ^= (byte)(1 << bit);
            Assert.False(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, badKey, message, signature));
            if (message.Length > 0)
            {
                var badMessage = (byte[])message.Clone();
                badMessage[Random.Shared.Next(badMessage.Length)] ^= (byte)(1 << bit);
                Assert.False(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, ours.PublicKey, badMessage, signature));
            }
        }
    }

    [Fact]
    public void Keys_and_signatures_of_the_wrong_size_do_not_verify()
    {
        using var key = SignaturePrivateKey.Import(new byte[32]);
        var signature = key.Sign("m"u8);

        Assert.False(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, key.PublicKey[..31], "m"u8, signature));
        Assert.False(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, [.. key.PublicKey, 0], "m"u8, signature));
        Assert.False(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, key.PublicKey, "m"u8, signature[..63]));
        Assert.False(SignaturePrivateKey.Verify(SignatureScheme.Ed25519, key.PublicKey, "m"u8, []));
    }

    [Fact]
    public void A_copy_signs_alike_and_outlives_the_original()
    {
        var original = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var copy = original.Copy();
        var expected = original.Sign("data"u8);

        original.Dispose();

        Assert.Equal(original.PublicKey, copy.PublicKey);
        Assert.Equal(expected, copy.Sign("data"u8));
        Assert.Throws<ObjectDisposedException>(() => original.Sign("data"u8));
    }

    [Fact]
    public void Disposing_a_key_wipes_its_secret_key()
    {
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        var key = SignaturePrivateKey.Import(seed);
        var secret = (Secret)Field(key, "_ed25519");
        var memory = (byte[])Field(secret, "_bytes");
        Assert.Equal(seed, memory[..32]);
        Assert.Equal(key.PublicKey, memory[32..]);

        key.Dispose();

        // The very array libsodium signed from, not a copy of it, is now all zero.
        Assert.True(secret.IsDisposed);
        Assert.All(memory, b => Assert.Equal(0, b));
    }

    private static object Field(object owner, string name)
        => owner.GetType().GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(owner)!;
}
