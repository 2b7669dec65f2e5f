using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Mls.Crypto;

/// <summary>
/// HKDF (RFC 5869 §2) over SHA-256 (suites 1 to 3 and their HPKE) or SHA-512 (the X-Wing suite and
/// its HPKE), with the hash and HMAC of the same function: the BCL's (OpenSSL), but libsodium's HMAC
/// for short data, where OpenSSL's setup per call costs more than the hashing. Extract is one HMAC,
/// PRK = HMAC(salt, IKM), and so is an Expand of at most one block, T(1) = HMAC(PRK, info || 0x01).
/// Longer outputs go through the BCL's <see cref="HKDF.Expand(HashAlgorithmName, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/>.
/// </summary>
internal sealed class Hkdf
{
    /// <summary>HKDF-SHA256, HPKE KDF 0x0001 (RFC 9180 §7.2).</summary>
    public static readonly Hkdf Sha256 = new(HashAlgorithmName.SHA256, SHA256.HashSizeInBytes, 0x0001);

    /// <summary>HKDF-SHA512, HPKE KDF 0x0003 (RFC 9180 §7.2).</summary>
    public static readonly Hkdf Sha512 = new(HashAlgorithmName.SHA512, SHA512.HashSizeInBytes, 0x0003);

    // Above this, info || 0x01 is assembled on the heap (it is public: labels and contexts).
    private const int StackInfoLimit = 256;

    // Up to this many bytes of data, libsodium's HMAC is the faster (measured: 60 bytes 1.7 against
    // 2.3 µs; at 1,200 bytes OpenSSL's SHA-256 hashes in 2 µs what libsodium's does in 9).
    private const int ShortDataLimit = 128;

    private readonly HashAlgorithmName _hash;

    private Hkdf(HashAlgorithmName hash, int hashSize, ushort hpkeId)
    {
        _hash = hash;
        HashSize = hashSize;
        HpkeId = hpkeId;
    }

    /// <summary>HashLen (Nh): the output size of the hash, of HMAC and of Extract.</summary>
    public int HashSize { get; }

    /// <summary>The HPKE KDF identifier (RFC 9180 §7.2).</summary>
    public ushort HpkeId { get; }

    /// <summary>The largest output of Expand: 255 HashLen (§2.3).</summary>
    public int MaxExpandLength => 255 * HashSize;

    /// <summary>Hash(data).</summary>
    public byte[] Hash(ReadOnlySpan<byte> data) => _hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data) : SHA512.HashData(data);

    /// <summary>HMAC(key, data) into <paramref name="mac"/> (HashLen bytes).</summary>
    public void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        // Short data (labels, contexts, secrets): libsodium, without OpenSSL's per-call setup. Long
        // data (an HPKE info holding a GroupInfo): OpenSSL, whose SHA-2 is the faster per byte.
        var sha256 = _hash == HashAlgorithmName.SHA256;
        if (data.Length <= ShortDataLimit)
        {
            if (sha256)
            {
                LibSodium.HmacSha256(mac, key, data);
            }
            else
            {
                LibSodium.HmacSha512(mac, key, data);
            }
        }
        else if (sha256)
        {
            HMACSHA256.HashData(key, data, mac);
        }
        else
        {
            HMACSHA512.HashData(key, data, mac);
        }
    }

    /// <summary>HKDF-Extract(salt, IKM) into <paramref name="prk"/> (HashLen bytes); an empty salt is HashLen zero bytes (§2.2).</summary>
    public void Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm, Span<byte> prk)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(prk.Length, HashSize, nameof(prk));

        // HMAC pads its key with zeros to the block size, so the empty key is the RFC's zero salt.
        Mac(salt, ikm, prk);
    }

    /// <summary>HKDF-Expand(PRK, info, L) into <paramref name="okm"/>, L being its length (1 to 255 HashLen, §2.3).</summary>
    /// <exception cref="ArgumentException"><paramref name="prk"/> is shorter than HashLen, or L is out of range.</exception>
    public void Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> okm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(okm.Length, 1, nameof(okm));
        if (okm.Length > HashSize)
        {
            HKDF.Expand(_hash, prk, okm, info);
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
            Mac(prk, message, okm);
            return;
        }

        Span<byte> block = stackalloc byte[HashSize];
        try
        {
            Mac(prk, message, block);
            block[..okm.Length].CopyTo(okm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }
}
