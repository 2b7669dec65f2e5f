using System.Security.Cryptography;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.Tests.Hpke;

namespace Courier.Mls.Tests.Group;

public class KeyPackageBundleTests
{
    private const ulong NotBefore = 1_700_000_000;
    private const ulong NotAfter = 1_800_000_000;

    public static TheoryData<CipherSuiteId> Suites() => TestSuites.Both();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Generated_KeyPackage_validates_and_carries_what_was_asked(CipherSuiteId suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var bundle = KeyPackageBundle.Generate(suiteId, "agent-kestrel"u8, signer, NotBefore, NotAfter, SystemRandom.Instance);

        var published = MLSMessage.FromBytes(bundle.KeyPackageBytes);
        Assert.Equal(WireFormat.MlsKeyPackage, published.WireFormat);
        var keyPackage = published.KeyPackage!;
        Assert.Equal(bundle.KeyPackage, keyPackage);
        KeyPackageValidation.Validate(suite, keyPackage);

        Assert.Equal(suiteId, bundle.CipherSuite);
        Assert.Equal(GroupContext.Mls10, keyPackage.Version);
        Assert.Equal((ushort)suiteId, keyPackage.CipherSuite);
        Assert.Empty(keyPackage.Extensions);
        Assert.Equal(suite.RefHash("MLS 1.0 KeyPackage Reference", keyPackage.ToBytes()), bundle.KeyPackageRef);

        var leaf = keyPackage.LeafNode;
        Assert.Equal(LeafNodeSource.KeyPackage, leaf.LeafNodeSource);
        Assert.Equal(new Lifetime(NotBefore, NotAfter), leaf.Lifetime);
        Assert.Null(leaf.ParentHash);
        Assert.Empty(leaf.Extensions);
        Assert.Equal(CredentialType.Basic, leaf.Credential.CredentialType);
        Assert.Equal("agent-kestrel"u8.ToArray(), leaf.Credential.Identity);
        Assert.Equal([GroupContext.Mls10], leaf.Capabilities.Versions);
        Assert.Contains((ushort)suiteId, leaf.Capabilities.CipherSuites);
        Assert.Equal([CredentialType.Basic, CredentialType.X509], leaf.Capabilities.Credentials);
        Assert.Empty(leaf.Capabilities.Proposals);
        Assert.Empty(leaf.Capabilities.Extensions);
        Assert.True(suite.VerifyWithLabel(leaf.SignatureKey, "LeafNodeTBS", leaf.ToBeSigned(null, null).ToBytes(), leaf.Signature));

        Assert.Equal(signer.PublicKey, leaf.SignatureKey);
        Assert.Equal(bundle.InitKey.PublicKey, keyPackage.InitKey);
        Assert.Equal(bundle.EncryptionKey.PublicKey, leaf.EncryptionKey);
        Assert.Equal(signer.PublicKey, bundle.SignatureKey.PublicKey);
        Assert.NotEqual(keyPackage.InitKey, leaf.EncryptionKey);
    }

    [Fact]
    public void Generation_draws_only_from_the_injected_randomness()
    {
        using var signer = SignaturePrivateKey.Import(Enumerable.Repeat((byte)7, 32).ToArray());
        var initSeed = Enumerable.Repeat((byte)1, 32).ToArray();
        var encryptionSeed = Enumerable.Repeat((byte)2, 32).ToArray();
        var random1 = new FixedRandom(initSeed, encryptionSeed);
        var random2 = new FixedRandom(initSeed, encryptionSeed);
        using var first = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "a"u8, signer, 0, 1, random1);
        using var second = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "a"u8, signer, 0, 1, random2);

        Assert.True(random1.Exhausted);
        Assert.Equal(first.KeyPackageBytes, second.KeyPackageBytes);
        Assert.Equal(CipherSuite.Suite1.DeriveKeyPair(initSeed).PublicKey, first.KeyPackage.InitKey);
        Assert.Equal(CipherSuite.Suite1.DeriveKeyPair(encryptionSeed).PublicKey, first.KeyPackage.LeafNode.EncryptionKey);
    }

    [Fact]
    public void A_random_source_that_repeats_itself_is_refused()
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        var seed = Enumerable.Repeat((byte)1, 32).ToArray();
        Assert.Throws<InvalidOperationException>(() => KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "a"u8, signer, 0, 1, new FixedRandom(seed, seed)));
    }

    [Fact]
    public void Generate_refuses_caller_bugs()
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        const CipherSuiteId suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
        Assert.Throws<ArgumentException>(() => KeyPackageBundle.Generate(suite, [], signer, 0, 1, SystemRandom.Instance));
        Assert.Throws<ArgumentException>(() => KeyPackageBundle.Generate(suite, "a"u8, signer, 2, 1, SystemRandom.Instance));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyPackageBundle.Generate((CipherSuiteId)2, "a"u8, signer, 0, 1, SystemRandom.Instance));
        Assert.Throws<ArgumentNullException>(() => KeyPackageBundle.Generate(suite, "a"u8, null!, 0, 1, SystemRandom.Instance));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Bundle_serializes_and_deserializes_with_its_private_keys(CipherSuiteId suiteId)
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var bundle = KeyPackageBundle.Generate(suiteId, "agent-wren"u8, signer, NotBefore, NotAfter, SystemRandom.Instance);
        var stored = bundle.Serialize();
        try
        {
            using var restored = KeyPackageBundle.Deserialize(stored);
            Assert.Equal(bundle.KeyPackageBytes, restored.KeyPackageBytes);
            Assert.Equal(bundle.KeyPackageRef, restored.KeyPackageRef);
            Assert.Equal(bundle.CipherSuite, restored.CipherSuite);
            AssertSameKey(bundle.InitKey.ExportPrivateKey(), restored.InitKey.ExportPrivateKey());
            AssertSameKey(bundle.EncryptionKey.ExportPrivateKey(), restored.EncryptionKey.ExportPrivateKey());
            AssertSameKey(bundle.SignatureKey.ExportPrivateKey(), restored.SignatureKey.ExportPrivateKey());
            Assert.Equal(stored, restored.Serialize());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stored);
        }
    }

    [Fact]
    public void Deserialize_rejects_bad_bytes_with_DecodeException()
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var bundle = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "a"u8, signer, 0, 1, SystemRandom.Instance);
        var stored = bundle.Serialize();

        Assert.Equal(DecodeError.Truncated, Assert.Throws<DecodeException>(() => KeyPackageBundle.Deserialize(stored.AsSpan(0, stored.Length - 1))).Reason);
        Assert.Equal(DecodeError.TrailingBytes, Assert.Throws<DecodeException>(() => KeyPackageBundle.Deserialize([.. stored, 0])).Reason);

        var otherVersion = (byte[])stored.Clone();
        otherVersion[1] = 2;
        Assert.Equal(DecodeError.InvalidValue, Assert.Throws<DecodeException>(() => KeyPackageBundle.Deserialize(otherVersion)).Reason);

        // The init and encryption private keys swapped: each no longer matches its public key.
        var swapped = Swap(stored);
        Assert.Equal(DecodeError.InvalidValue, Assert.Throws<DecodeException>(() => KeyPackageBundle.Deserialize(swapped)).Reason);

        // A signature private key that is not the one of the leaf's signature_key.
        using var otherSigner = SignaturePrivateKey.Generate(SystemRandom.Instance);
        var writer = new TlsWriter();
        var reader = new TlsReader(stored, "test");
        writer.WriteUInt16(reader.ReadUInt16());
        writer.WriteOpaque(reader.ReadOpaque());
        writer.WriteOpaque(reader.ReadOpaque());
        writer.WriteOpaque(reader.ReadOpaque());
        reader.ReadOpaque();
        using (var otherSeed = otherSigner.ExportPrivateKey())
        {
            writer.WriteOpaque(otherSeed.Span);
        }

        Assert.Equal(DecodeError.InvalidValue, Assert.Throws<DecodeException>(() => KeyPackageBundle.Deserialize(writer.ToArray())).Reason);
    }

    [Fact]
    public void Dispose_wipes_the_private_keys()
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        var bundle = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "a"u8, signer, 0, 1, SystemRandom.Instance);
        var initKey = bundle.InitKey;
        var encryptionKey = bundle.EncryptionKey;
        var signatureKey = bundle.SignatureKey;
        using (initKey.ExportPrivateKey())
        {
        }

        bundle.Dispose();

        Assert.True(bundle.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => initKey.ExportPrivateKey());
        Assert.Throws<ObjectDisposedException>(() => encryptionKey.ExportPrivateKey());
        Assert.Throws<ObjectDisposedException>(() => signatureKey.ExportPrivateKey());
        Assert.Throws<ObjectDisposedException>(() => bundle.InitKey);
        Assert.Throws<ObjectDisposedException>(() => bundle.EncryptionKey);
        Assert.Throws<ObjectDisposedException>(() => bundle.SignatureKey);
        Assert.Throws<ObjectDisposedException>(() => bundle.Serialize());

        // The public part stays readable, and the caller's signer is not the bundle's copy.
        Assert.NotEmpty(bundle.KeyPackageBytes);
        using (signer.ExportPrivateKey())
        {
        }

        bundle.Dispose();
    }

    [Fact]
    public void The_bundle_keeps_its_own_copy_of_the_signature_key()
    {
        var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var bundle = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "a"u8, signer, 0, 1, SystemRandom.Instance);
        signer.Dispose();
        var signature = CipherSuite.Suite1.SignWithLabel(bundle.SignatureKey, "test", [1]);
        Assert.True(CipherSuite.Suite1.VerifyWithLabel(bundle.KeyPackage.LeafNode.SignatureKey, "test", [1], signature));
    }

    [Fact]
    public void ToString_shows_no_secret()
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var bundle = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "a"u8, signer, 0, 1, SystemRandom.Instance);
        using var initPriv = bundle.InitKey.ExportPrivateKey();
        var text = bundle.ToString();
        Assert.Contains(Convert.ToHexStringLower(bundle.KeyPackageRef), text);
        Assert.DoesNotContain(Convert.ToHexStringLower(initPriv.Span), text);
    }

    private static void AssertSameKey(Secret expected, Secret actual)
    {
        using (expected)
        using (actual)
        {
            Assert.True(expected.ContentEquals(actual));
        }
    }

    /// <summary>The stored bytes with init_priv and encryption_priv exchanged.</summary>
    private static byte[] Swap(byte[] stored)
    {
        var reader = new TlsReader(stored, "test");
        var writer = new TlsWriter();
        writer.WriteUInt16(reader.ReadUInt16());
        writer.WriteOpaque(reader.ReadOpaque());
        var initPriv = reader.ReadOpaque();
        var encryptionPriv = reader.ReadOpaque();
        writer.WriteOpaque(encryptionPriv);
        writer.WriteOpaque(initPriv);
        writer.WriteOpaque(reader.ReadOpaque());
        return writer.ToArray();
    }
}
