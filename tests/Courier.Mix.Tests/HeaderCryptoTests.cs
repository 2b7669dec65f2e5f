namespace Courier.Mix.Tests;

/// <summary>The header's primitives where an independent answer exists.</summary>
public class HeaderCryptoTests
{
    [Fact]
    public void The_header_stream_is_aes_256_ctr_with_a_big_endian_counter()
    {
        // NIST SP 800-38A F.5.5 (CTR-AES256.Encrypt): the counter's last byte carries after the first block.
        var keys = new byte[SphinxCrypto.KeysLength];
        Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4").CopyTo(keys, SphinxCrypto.HeaderStreamKey);
        Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff").CopyTo(keys, SphinxCrypto.HeaderStreamIv);
        var data = Convert.FromHexString("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        SphinxCrypto.HeaderStreamXor(keys, data);
        Assert.Equal("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6", Convert.ToHexStringLower(data));
    }

    [Fact]
    public void The_counter_wraps_across_all_sixteen_bytes()
    {
        // From ff..ff the next counter block is 00..00: the stream's second block is AES(key, 0).
        var keys = new byte[SphinxCrypto.KeysLength];
        keys.AsSpan(SphinxCrypto.HeaderStreamIv, 16).Fill(0xff);
        var stream = new byte[32];
        SphinxCrypto.HeaderStreamXor(keys, stream);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = new byte[32];
        Assert.Equal(aes.EncryptEcb(new byte[16], System.Security.Cryptography.PaddingMode.None), stream[16..]);
    }
}
