using System.Security.Cryptography;
using Courier.Mls.Crypto;

namespace Courier.Mls.Tests.Crypto;

/// <summary>
/// HKDF-SHA256 and HKDF-SHA512 as one HMAC per Extract and per one-block Expand give what the BCL's
/// HKDF gives; the hash and HMAC (libsodium's for short data) give what the BCL's give.
/// </summary>
public class HkdfTests
{
    /// <summary>RFC 5869 Appendix A.1 (test case 1).</summary>
    [Fact]
    public void Rfc5869_test_case_1()
    {
        var ikm = Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        var salt = Convert.FromHexString("000102030405060708090a0b0c");
        var info = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9");
        var prk = new byte[32];
        var okm = new byte[42];

        Hkdf.Sha256.Extract(salt, ikm, prk);
        Hkdf.Sha256.Expand(prk, info, okm);

        Assert.Equal("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", Convert.ToHexStringLower(prk));
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Convert.ToHexStringLower(okm));

        // The first block alone is the one-HMAC path.
        var first = new byte[32];
        Hkdf.Sha256.Expand(prk, info, first);
        Assert.Equal(okm[..32], first);
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA512")]
    public void Agrees_with_the_BCL_for_every_length_salt_and_info_size(string hashName)
    {
        var hash = new HashAlgorithmName(hashName);
        var hkdf = hashName == "SHA256" ? Hkdf.Sha256 : Hkdf.Sha512;
        var random = new Random(9420);
        foreach (var saltLength in new[] { 0, 1, 32, 64, 65 })
        {
            foreach (var infoLength in new[] { 0, 1, 31, 255, 256, 300, 4000 })
            {
                var salt = Bytes(random, saltLength);
                var ikm = Bytes(random, 1 + random.Next(80));
                var info = Bytes(random, infoLength);
                var prk = new byte[hkdf.HashSize];
                hkdf.Extract(salt, ikm, prk);
                Assert.Equal(HKDF.Extract(hash, ikm, salt), prk);

                foreach (var length in new[] { 1, 12, 16, 31, 32, 33, 63, 64, 65, 100, 200 })
                {
                    var okm = new byte[length];
                    hkdf.Expand(prk, info, okm);
                    Assert.Equal(HKDF.Expand(hash, prk, length, info), okm);
                }
            }
        }
    }

    [Fact]
    public void Hash_and_mac_agree_with_the_BCL_for_every_key_and_data_size()
    {
        var random = new Random(7);

        // Keys around both block sizes (64 and 128 bytes), longer ones being hashed first (RFC 2104 §2).
        foreach (var length in new[] { 0, 1, 31, 32, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 300, 5000 })
        {
            var data = Bytes(random, length);
            var key = Bytes(random, length);
            Assert.Equal(SHA256.HashData(data), Hkdf.Sha256.Hash(data));
            Assert.Equal(SHA512.HashData(data), Hkdf.Sha512.Hash(data));
            var mac256 = new byte[32];
            var mac512 = new byte[64];
            Hkdf.Sha256.Mac(key, data, mac256);
            Hkdf.Sha512.Mac(key, data, mac512);
            Assert.Equal(HMACSHA256.HashData(key, data), mac256);
            Assert.Equal(HMACSHA512.HashData(key, data), mac512);
        }
    }

    [Fact]
    public void Refuses_what_HKDF_refuses()
    {
        Assert.Throws<ArgumentException>(() => Hkdf.Sha256.Expand(new byte[31], [], new byte[16]));
        Assert.ThrowsAny<ArgumentException>(() => Hkdf.Sha256.Expand(new byte[32], [], []));
        Assert.ThrowsAny<ArgumentException>(() => Hkdf.Sha256.Expand(new byte[32], [], new byte[(255 * 32) + 1]));
        Assert.ThrowsAny<ArgumentException>(() => Hkdf.Sha256.Extract([], [1], new byte[31]));
        Assert.Throws<ArgumentException>(() => Hkdf.Sha512.Expand(new byte[63], [], new byte[16]));
        Assert.ThrowsAny<ArgumentException>(() => Hkdf.Sha512.Expand(new byte[64], [], new byte[(255 * 64) + 1]));
        Assert.ThrowsAny<ArgumentException>(() => Hkdf.Sha512.Extract([], [1], new byte[32]));
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
