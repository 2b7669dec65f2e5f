using System.Security.Cryptography;

namespace Courier.Mls.Crypto;

/// <summary>
/// HKDF-SHA256 (RFC 5869 §2) for both suites and HPKE. Extract is one HMAC, PRK = HMAC(salt, IKM),
/// and so is an Expand of at most one block, T(1) = HMAC(PRK, info || 0x01): both computed with
/// <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>, because
/// the BCL's <see cref="HKDF"/> sets up a KDF context per call, which costs more than the HMAC.
/// Longer outputs go through <see cref="HKDF.Expand(HashAlgorithmName, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/>.
/// </summary>
internal static class HkdfSha256
{
    /// <summary>HashLen: the output size of SHA-256.</summary>
    public const int HashSize = 32;

    // Above this, info || 0x01 is assembled on the heap (it is public: labels and contexts).
    private const int StackInfoLimit = 256;

    /// <summary>HKDF-Extract(salt, IKM) into <paramref name="prk"/> (HashLen bytes); an empty salt is HashLen zero bytes (§2.2).</summary>
    public static void Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm, Span<byte> prk)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(prk.Length, HashSize, nameof(prk));

        // HMAC pads its key with zeros to the block size, so the empty key is the RFC's zero salt.
        HMACSHA256.HashData(salt, ikm, prk);
    }

    /// <summary>HKDF-Expand(PRK, info, L) into <paramref name="okm"/>, L being its length (1 to 255 HashLen, §2.3).</summary>
    /// <exception cref="ArgumentException"><paramref name="prk"/> is shorter than HashLen, or L is out of range.</exception>
    public static void Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> okm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(okm.Length, 1, nameof(okm));
        if (okm.Length > HashSize)
        {
            HKDF.Expand(HashAlgorithmName.SHA256, prk, okm, info);
            return;
        }

        // The same precondition as HKDF.Expand, so the two paths refuse the same input.
        if (prk.Length < HashSize)
        {
            throw new ArgumentException($"The PRK must be at least {HashSize} bytes.", nameof(prk));
        }

        var message = info.Length < StackInfoLimit ? stackalloc byte[info.Length + 1] : new byte[info.Length + 1];
        info.CopyTo(message);
        message[^1] = 0x01;
        if (okm.Length == HashSize)
        {
            HMACSHA256.HashData(prk, message, okm);
            return;
        }

        Span<byte> block = stackalloc byte[HashSize];
        try
        {
            HMACSHA256.HashData(prk, message, block);
            block[..okm.Length].CopyTo(okm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }
}
