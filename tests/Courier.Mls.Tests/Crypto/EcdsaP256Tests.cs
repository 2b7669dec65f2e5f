using System.Formats.Asn1;
using System.Security.Cryptography;
using Courier.Mls.Crypto;

namespace Courier.Mls.Tests.Crypto;

/// <summary>
/// Suite 2's signatures (RFC 9420 §5.1.2, §17.1): ECDSA over P-256 with SHA-256, DER-encoded, with
/// uncompressed public keys; and the keys an attacker sends instead of a valid point.
/// </summary>
public class EcdsaP256Tests
{
    private const CipherSuiteId Suite2 = CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256;

    private static CipherSuite Suite => CipherSuite.Get(Suite2);

    [Fact]
    public void Signatures_are_DER_sequences_of_two_integers_and_verify_with_the_BCL()
    {
        using var key = SignaturePrivateKey.Generate(SystemRandom.Instance, Suite2);
        var signature = Suite.SignWithLabel(key, "LeafNodeTBS", [1, 2, 3]);

        var sequence = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        sequence.ReadInteger();
        sequence.ReadInteger();
        Assert.False(sequence.HasData);

        Assert.Equal(65, key.PublicKey.Length);
        Assert.Equal(0x04, key.PublicKey[0]);
        Assert.True(Suite.VerifyWithLabel(key.PublicKey, "LeafNodeTBS", [1, 2, 3], signature));

        // The same check as the BCL's over SignContent, independent of Courier's verification.
        using var bcl = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = key.PublicKey[1..33], Y = key.PublicKey[33..] } });
        byte[] label = [.. "MLS 1.0 LeafNodeTBS"u8];
        byte[] signContent = [(byte)label.Length, .. label, 3, 1, 2, 3];
        Assert.True(bcl.VerifyData(signContent, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void A_signature_in_another_encoding_label_content_or_key_does_not_verify()
    {
        using var key = SignaturePrivateKey.Generate(SystemRandom.Instance, Suite2);
        using var other = SignaturePrivateKey.Generate(SystemRandom.Instance, Suite2);
        var signature = Suite.SignWithLabel(key, "LeafNodeTBS", [1, 2, 3]);

        // The same (r, s) as IEEE P1363 r || s is not the RFC's encoding.
        var p1363 = new byte[64];
        var sequence = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        WriteFixed(sequence.ReadIntegerBytes().Span, p1363.AsSpan(0, 32));
        WriteFixed(sequence.ReadIntegerBytes().Span, p1363.AsSpan(32));
        Assert.False(Suite.VerifyWithLabel(key.PublicKey, "LeafNodeTBS", [1, 2, 3], p1363));

        Assert.False(Suite.VerifyWithLabel(key.PublicKey, "KeyPackageTBS", [1, 2, 3], signature));
        Assert.False(Suite.VerifyWithLabel(key.PublicKey, "LeafNodeTBS", [1, 2, 4], signature));
        Assert.False(Suite.VerifyWithLabel(other.PublicKey, "LeafNodeTBS", [1, 2, 3], signature));
        Assert.False(Suite.VerifyWithLabel(key.PublicKey, "LeafNodeTBS", [1, 2, 3], []));
        Assert.False(Suite.VerifyWithLabel(key.PublicKey, "LeafNodeTBS", [1, 2, 3], signature[..^1]));
        for (var i = 0; i < signature.Length; i++)
        {
            var flipped = (byte[])signature.Clone();
            flipped[i] ^= 0x01;
            Assert.False(Suite.VerifyWithLabel(key.PublicKey, "LeafNodeTBS", [1, 2, 3], flipped), $"flipped byte {i}");
        }
    }

    [Fact]
    public void A_public_key_that_is_not_an_uncompressed_point_on_the_curve_verifies_nothing()
    {
        using var key = SignaturePrivateKey.Generate(SystemRandom.Instance, Suite2);
        var signature = Suite.SignWithLabel(key, "LeafNodeTBS", [1]);
        var offCurve = (byte[])key.PublicKey.Clone();
        offCurve[^1] ^= 0x01;
        byte[] compressed = [(byte)(0x02 | (key.PublicKey[^1] & 1)), .. key.PublicKey[1..33]];
        var zero = new byte[65];
        zero[0] = 0x04;

        foreach (var bad in new[] { offCurve, compressed, zero, key.PublicKey[..64], [] })
        {
            Assert.False(Suite.VerifyWithLabel(bad, "LeafNodeTBS", [1], signature));
        }

        // An Ed25519 key and signature mean nothing in suite 2, and a P-256 pair nothing in suite 1.
        using var ed25519 = SignaturePrivateKey.Generate(SystemRandom.Instance);
        Assert.False(Suite.VerifyWithLabel(ed25519.PublicKey, "LeafNodeTBS", [1], CipherSuite.Suite1.SignWithLabel(ed25519, "LeafNodeTBS", [1])));
        Assert.False(CipherSuite.Suite1.VerifyWithLabel(key.PublicKey, "LeafNodeTBS", [1], signature));
        Assert.Throws<ArgumentException>(() => Suite.SignWithLabel(ed25519, "LeafNodeTBS", [1]));
        Assert.Throws<ArgumentException>(() => CipherSuite.Suite1.SignWithLabel(key, "LeafNodeTBS", [1]));
    }

    [Fact]
    public void The_private_key_round_trips_as_its_32_byte_scalar_and_is_wiped_on_export_disposal()
    {
        using var key = SignaturePrivateKey.Generate(SystemRandom.Instance, Suite2);
        var exported = key.ExportPrivateKey();
        using var imported = SignaturePrivateKey.Import(exported.Span, Suite2);
        Assert.Equal(key.PublicKey, imported.PublicKey);
        Assert.Equal(32, exported.Length);
        Assert.Equal("SignaturePrivateKey(EcdsaP256Sha256)", key.ToString());
        Assert.DoesNotContain(Convert.ToHexString(exported.Span), key.ToString(), StringComparison.OrdinalIgnoreCase);

        exported.Dispose();
        Assert.True(exported.IsDisposed);

        var n = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        Assert.Throws<ArgumentException>(() => SignaturePrivateKey.Import(n, Suite2));
        Assert.Throws<ArgumentException>(() => SignaturePrivateKey.Import(new byte[32], Suite2));
        Assert.Throws<ArgumentException>(() => SignaturePrivateKey.Import(new byte[31], Suite2));
    }

    private static void WriteFixed(ReadOnlySpan<byte> integer, Span<byte> destination)
    {
        var trimmed = integer.Length > destination.Length ? integer[(integer.Length - destination.Length)..] : integer;
        trimmed.CopyTo(destination[(destination.Length - trimmed.Length)..]);
    }
}
