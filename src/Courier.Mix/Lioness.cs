using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Mix;

/// <summary>
/// LIONESS-BLAKE2b-ChaCha20 (Katzenpost's "LIONESS Wide-Block-Cipher" specification §3, Anderson and Biham
/// 1996): a four-round unbalanced Feistel cipher over the whole payload, so that changing any bit of the
/// ciphertext garbles all of the plaintext, the zero tag included. That is what lets the last hop detect
/// a tagged payload (Sphinx spec §4.2). ChaCha20 is RFC 8439's (96-bit nonce, counter 0); BLAKE2b is keyed
/// with k | iv and truncated to 32 bytes. Both are libsodium's.
/// </summary>
/// <remarks>
/// The specification's encryption pseudo-code splits "ciphertext"; it means the plaintext (§2.1 and the
/// decryption are consistent with that).
/// </remarks>
internal static class Lioness
{
    /// <summary>k1 | k2 | k3 | k4, 32 bytes each.</summary>
    public const int KeyLength = 128;

    /// <summary>iv1 | iv2 | iv3 | iv4, 12 bytes each.</summary>
    public const int IvLength = 48;

    /// <summary>The key followed by the IV.</summary>
    public const int KeyMaterialLength = KeyLength + IvLength;

    /// <summary>The left part, each round key, and the hash output.</summary>
    public const int HashLength = 32;

    private const int RoundIvLength = 12;

    /// <summary>LIONESS-BLAKE2b-ChaCha20-Encrypt (§3.1) of <paramref name="block"/> in place.</summary>
    public static void Encrypt(ReadOnlySpan<byte> keyMaterial, Span<byte> block)
    {
        Check(keyMaterial, block);
        var left = block[..HashLength];
        var right = block[HashLength..];
        Stream(keyMaterial, 0, left, right);
        Hash(keyMaterial, 1, left, right);
        Stream(keyMaterial, 2, left, right);
        Hash(keyMaterial, 3, left, right);
    }

    /// <summary>LIONESS-BLAKE2b-ChaCha20-Decrypt (§3.2) of <paramref name="block"/> in place.</summary>
    public static void Decrypt(ReadOnlySpan<byte> keyMaterial, Span<byte> block)
    {
        Check(keyMaterial, block);
        var left = block[..HashLength];
        var right = block[HashLength..];
        Hash(keyMaterial, 3, left, right);
        Stream(keyMaterial, 2, left, right);
        Hash(keyMaterial, 1, left, right);
        Stream(keyMaterial, 0, left, right);
    }

    // R = ChaCha20(L ^ k_round, iv_round, R)
    private static void Stream(ReadOnlySpan<byte> keyMaterial, int round, ReadOnlySpan<byte> left, Span<byte> right)
    {
        Span<byte> key = stackalloc byte[HashLength];
        try
        {
            var roundKey = keyMaterial.Slice(round * HashLength, HashLength);
            for (var i = 0; i < HashLength; i++)
            {
                key[i] = (byte)(left[i] ^ roundKey[i]);
            }

            LibSodium.ChaCha20IetfXor(right, RoundIv(keyMaterial, round), key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    // L = L ^ BLAKE2b(k_round | iv_round, R)
    private static void Hash(ReadOnlySpan<byte> keyMaterial, int round, Span<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> key = stackalloc byte[HashLength + RoundIvLength];
        Span<byte> hash = stackalloc byte[HashLength];
        try
        {
            keyMaterial.Slice(round * HashLength, HashLength).CopyTo(key);
            RoundIv(keyMaterial, round).CopyTo(key[HashLength..]);
            LibSodium.Blake2b(hash, right, key);
            for (var i = 0; i < HashLength; i++)
            {
                left[i] ^= hash[i];
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    private static ReadOnlySpan<byte> RoundIv(ReadOnlySpan<byte> keyMaterial, int round) => keyMaterial.Slice(KeyLength + (round * RoundIvLength), RoundIvLength);

    private static void Check(ReadOnlySpan<byte> keyMaterial, ReadOnlySpan<byte> block)
    {
        if (keyMaterial.Length != KeyMaterialLength)
        {
            throw new ArgumentException($"Lioness key material is {KeyMaterialLength} bytes.", nameof(keyMaterial));
        }

        if (block.Length <= HashLength)
        {
            throw new ArgumentException($"A Lioness block is longer than {HashLength} bytes.", nameof(block));
        }
    }
}
