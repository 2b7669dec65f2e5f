using System.Security.Cryptography;

namespace Courier.Mls.Crypto;

/// <summary>
/// The AEADs of the supported ciphersuites, with their HPKE identifiers (RFC 9180 §7.3):
/// AES-128-GCM (0x0001) and ChaCha20-Poly1305 (0x0003), both from System.Security.Cryptography.
/// Keys and nonces are checked at this boundary; authentication failure is a null result.
/// </summary>
internal sealed class Aead
{
    public const int TagSize = 16;

    public static readonly Aead Aes128Gcm = new(0x0001, 16);
    public static readonly Aead ChaCha20Poly1305 = new(0x0003, 32);

    private Aead(ushort id, int keySize)
    {
        Id = id;
        KeySize = keySize;
    }

    /// <summary>The HPKE AEAD identifier.</summary>
    public ushort Id { get; }

    /// <summary>Nk: key size in bytes.</summary>
    public int KeySize { get; }

    /// <summary>Nn: nonce size in bytes.</summary>
    public int NonceSize => 12;

    /// <summary>Encrypts and returns ciphertext || tag.</summary>
    public byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        CheckSizes(key, nonce);
        var output = new byte[plaintext.Length + TagSize];
        var ciphertext = output.AsSpan(0, plaintext.Length);
        var tag = output.AsSpan(plaintext.Length);
        if (Id == Aes128Gcm.Id)
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }
        else
        {
            using var chacha = new System.Security.Cryptography.ChaCha20Poly1305(key);
            chacha.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }

        return output;
    }

    /// <summary>Decrypts ciphertext || tag; null when authentication fails.</summary>
    public byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> sealedData)
    {
        CheckSizes(key, nonce);
        if (sealedData.Length < TagSize)
        {
            return null;
        }

        var plaintextLength = sealedData.Length - TagSize;
        var plaintext = new byte[plaintextLength];
        try
        {
            if (Id == Aes128Gcm.Id)
            {
                using var aes = new AesGcm(key, TagSize);
                aes.Decrypt(nonce, sealedData[..plaintextLength], sealedData[plaintextLength..], plaintext, aad);
            }
            else
            {
                using var chacha = new System.Security.Cryptography.ChaCha20Poly1305(key);
                chacha.Decrypt(nonce, sealedData[..plaintextLength], sealedData[plaintextLength..], plaintext, aad);
            }

            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private void CheckSizes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The AEAD key must be {KeySize} bytes.", nameof(key));
        }

        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"The AEAD nonce must be {NonceSize} bytes.", nameof(nonce));
        }
    }
}
