using CsCheck;

namespace Courier.Mix.Tests;

public class LionessTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, Lioness.KeyMaterialLength).Select(i => (byte)i)];

    [Theory]
    [InlineData(33, "6c9735b2fda975e4728373e42efca612a8876af5992ff9bb24fcba78b20f56b470")]
    [InlineData(100, "8bd27c7891bf2b65b78136655dba0e79820107b09a04b99086b018e18a39c356fda73c86d3a7e712f95450e3d9fed510d721bb8a7d16b1d7ec0366925525557cda592310c5304fad949b5357a527ec76a13797cb45c37d2b3502127df54cc7f10d1ef32f")]
    public void Encryption_matches_an_independent_computation_of_the_specification(int length, string expected)
    {
        // Expected values: the specification's §3.1 computed in Python with hashlib.blake2b(key=k|iv,
        // digest_size=32) and the "cryptography" package's ChaCha20 (counter 0), key bytes 0..127, IV
        // bytes 128..175, plaintext byte i = 7i mod 256 (TestVectors/courier/lioness_reference.py).
        var block = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        Lioness.Encrypt(Key, block);
        Assert.Equal(expected, Convert.ToHexStringLower(block));
        Lioness.Decrypt(Key, block);
        Assert.Equal(Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray(), block);
    }

    [Fact]
    public void Decryption_inverts_encryption_at_every_length()
    {
        Gen.Select(Gen.Byte.Array[33, 3000], Gen.Byte.Array[Lioness.KeyMaterialLength]).Sample((plaintext, key) =>
        {
            var block = plaintext.ToArray();
            Lioness.Encrypt(key, block);
            Assert.NotEqual(plaintext, block);
            Lioness.Decrypt(key, block);
            Assert.Equal(plaintext, block);
        }, iter: 200);
    }

    [Fact]
    public void One_flipped_ciphertext_bit_garbles_the_tag_and_the_rest()
    {
        // The property the last hop relies on: any change of the ciphertext changes the 32-byte tag.
        Gen.Select(Gen.Int[0, (2080 * 8) - 1], Gen.Byte.Array[Lioness.KeyMaterialLength]).Sample((bit, key) =>
        {
            var plaintext = new byte[2080];
            var block = plaintext.ToArray();
            Lioness.Encrypt(key, block);
            block[bit / 8] ^= (byte)(1 << (bit % 8));
            Lioness.Decrypt(key, block);
            Assert.NotEqual(new byte[32], block[..32]);
            var changed = block.Skip(32).Count(b => b != 0);
            Assert.True(changed > 2000, $"only {changed} of 2048 bytes changed");
        }, iter: 200);
    }

    [Fact]
    public void Sizes_are_checked()
    {
        Assert.Throws<ArgumentException>(() => Lioness.Encrypt(Key, new byte[32]));
        Assert.Throws<ArgumentException>(() => Lioness.Encrypt(Key[1..], new byte[64]));
    }
}
