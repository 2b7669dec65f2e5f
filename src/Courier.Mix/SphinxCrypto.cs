using System.Security.Cryptography;
using System.Text;
using Courier.Sodium;

namespace Courier.Mix;

/// <summary>
/// Katzenpost's instantiation of the Sphinx primitives (Sphinx spec §2), which its published vectors fix:
/// HKDF-SHA256 expand only, HMAC-SHA256, AES-256-CTR, and a blinding scalar from a ChaCha20 keystream.
/// </summary>
/// <remarks>
/// Sphinx_KDF (§2.1) output, <see cref="KeysLength"/> bytes: header_mac_key[32] | header_stream_key[32] |
/// header_stream_iv[16] | (48 bytes: Katzenpost's AEZ payload key, unused here) | blinding_seed[32] |
/// lioness_key[128] | lioness_iv[48]. HKDF-Expand's output does not depend on its length beyond truncation,
/// so the first 160 bytes are exactly Katzenpost's and the headers match its vectors; the Lioness key
/// material follows them.
/// </remarks>
internal static class SphinxCrypto
{
    public const int KeysLength = 160 + Lioness.KeyMaterialLength;
    public const int HeaderMacKey = 0;
    public const int HeaderStreamKey = 32;
    public const int HeaderStreamIv = 64;
    public const int BlindingSeed = 128;
    public const int PayloadKey = 160;
    public const int SecretLength = 32;
    public const int StreamIvLength = 16;
    public const int ReplayTagLength = 32;

    // beta and one hop of zeros at the 5-hop limit (492 bytes), in whole AES blocks.
    private const int MaxHeaderStream = (((SphinxGeometry.HopLimit + 1) * SphinxGeometry.PerHopRoutingInfoLength) + 15) / 16 * 16;

    private static readonly byte[] KdfInfo = Encoding.ASCII.GetBytes("katzenpost-kdf-v0-hkdf-sha256");

    /// <summary>Sphinx_KDF: HKDF-Expand-SHA256 with the raw X25519 shared secret as PRK (no Extract step).</summary>
    public static void DeriveKeys(ReadOnlySpan<byte> sharedSecret, Span<byte> keys)
    {
        if (keys.Length != KeysLength)
        {
            throw new ArgumentException($"Sphinx keys are {KeysLength} bytes.", nameof(keys));
        }

        HKDF.Expand(HashAlgorithmName.SHA256, sharedSecret, keys, KdfInfo);
    }

    /// <summary>HMAC-SHA256 over AD | alpha | beta with header_mac_key (§6.1 step 3).</summary>
    public static void HeaderMac(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> authenticated, Span<byte> mac)
        => HMACSHA256.HashData(keys.Slice(HeaderMacKey, SecretLength), authenticated, mac);

    /// <summary>
    /// XORs <paramref name="data"/> with AES-256-CTR under header_stream_key, the initial counter block being
    /// header_stream_iv, incremented as one big-endian 128-bit integer (Go's cipher.NewCTR). The blocks are
    /// the BCL's AES in ECB mode over the counters: CTR built from the block cipher, not a cipher of our own.
    /// </summary>
    public static void HeaderStreamXor(ReadOnlySpan<byte> keys, Span<byte> data)
    {
        const int block = 16;
        var blocks = (data.Length + block - 1) / block;
        if (blocks * block > MaxHeaderStream)
        {
            throw new ArgumentException($"The header stream covers at most {MaxHeaderStream} bytes.", nameof(data));
        }

        Span<byte> counters = stackalloc byte[blocks * block];
        Span<byte> stream = stackalloc byte[blocks * block];
        var counter = counters[..block];
        keys.Slice(HeaderStreamIv, StreamIvLength).CopyTo(counter);
        for (var i = 1; i < blocks; i++)
        {
            var next = counters.Slice(i * block, block);
            counters.Slice((i - 1) * block, block).CopyTo(next);
            for (var j = block - 1; j >= 0 && unchecked(++next[j]) == 0; j--)
            {
            }
        }

        try
        {
            using var aes = Aes.Create();
            aes.SetKey(keys.Slice(HeaderStreamKey, SecretLength));
            aes.EncryptEcb(counters, stream, PaddingMode.None);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] ^= stream[i];
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stream);
        }
    }

    /// <summary>
    /// The blinding scalar: the first 32 bytes of the original ChaCha20 keystream under blinding_seed with an
    /// all-zero nonce (Katzenpost's deterministic X25519 key generation). X25519 clamps it when used.
    /// </summary>
    public static void BlindingScalar(ReadOnlySpan<byte> keys, Span<byte> scalar)
    {
        Span<byte> nonce = stackalloc byte[LibSodium.ChaCha20NonceSize];
        nonce.Clear();
        LibSodium.ChaCha20Stream(scalar[..SecretLength], nonce, keys.Slice(BlindingSeed, SecretLength));
    }

    /// <summary>The replay tag H(shared_secret) of §6.1 step 1, SHA-256: unique per packet and mix key, and meaningless without the key.</summary>
    public static void ReplayTag(ReadOnlySpan<byte> sharedSecret, Span<byte> tag) => SHA256.HashData(sharedSecret, tag);

    /// <summary>The payload's Lioness key and IV.</summary>
    public static ReadOnlySpan<byte> PayloadKeyMaterial(ReadOnlySpan<byte> keys) => keys.Slice(PayloadKey, Lioness.KeyMaterialLength);
}
