using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// HMAC-SHA256 and HMAC-SHA512 (RFC 2104), one call each. The BCL's one-shot HMAC goes through
/// OpenSSL 3, which looks the algorithm up and sets up a context on every call: for the few dozen
/// bytes MLS's key schedules, secret tree and HPKE authenticate at a time that costs more than
/// libsodium's HMAC (about 2.3 against 1.7 µs for 60 bytes here), though OpenSSL's SHA-256 is the
/// faster one on long inputs. The HMAC state (derived from the key) lives on the stack and is wiped.
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>An HMAC-SHA256 tag: 32 bytes.</summary>
    public const int Sha256Size = 32;

    /// <summary>An HMAC-SHA512 tag: 64 bytes.</summary>
    public const int Sha512Size = 64;

    // The sizes of libsodium's HMAC states (208 and 416 bytes in every release); checked once against
    // crypto_auth_hmacsha*_statebytes() so the stack buffers can never be too small.
    private const int HmacSha256StateSize = 208;
    private const int HmacSha512StateSize = 416;

    private static readonly bool StateSizesChecked = CheckStateSizes();

    /// <summary>HMAC-SHA256(<paramref name="key"/>, <paramref name="data"/>) into <paramref name="mac"/>; any key length (RFC 2104 §2).</summary>
    public static void HmacSha256(Span<byte> mac, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        CheckSize(mac, Sha256Size, "HMAC-SHA256");
        _ = StateSizesChecked;
        byte* state = stackalloc byte[HmacSha256StateSize];
        try
        {
            fixed (byte* m = mac, k = key, d = data)
            {
                crypto_auth_hmacsha256_init(state, k, (nuint)key.Length);
                crypto_auth_hmacsha256_update(state, d, (ulong)data.Length);
                crypto_auth_hmacsha256_final(state, m);
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(new Span<byte>(state, HmacSha256StateSize));
        }
    }

    /// <summary>HMAC-SHA512(<paramref name="key"/>, <paramref name="data"/>) into <paramref name="mac"/>; any key length (RFC 2104 §2).</summary>
    public static void HmacSha512(Span<byte> mac, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        CheckSize(mac, Sha512Size, "HMAC-SHA512");
        _ = StateSizesChecked;
        byte* state = stackalloc byte[HmacSha512StateSize];
        try
        {
            fixed (byte* m = mac, k = key, d = data)
            {
                crypto_auth_hmacsha512_init(state, k, (nuint)key.Length);
                crypto_auth_hmacsha512_update(state, d, (ulong)data.Length);
                crypto_auth_hmacsha512_final(state, m);
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(new Span<byte>(state, HmacSha512StateSize));
        }
    }

    private static bool CheckStateSizes()
    {
        if (crypto_auth_hmacsha256_statebytes() > HmacSha256StateSize || crypto_auth_hmacsha512_statebytes() > HmacSha512StateSize)
        {
            throw new InvalidOperationException("libsodium's HMAC state is larger than this binding allows.");
        }

        return true;
    }

    [LibraryImport(Library)]
    private static partial nuint crypto_auth_hmacsha256_statebytes();

    [LibraryImport(Library)]
    private static partial int crypto_auth_hmacsha256_init(byte* state, byte* key, nuint keylen);

    [LibraryImport(Library)]
    private static partial int crypto_auth_hmacsha256_update(byte* state, byte* input, ulong inlen);

    [LibraryImport(Library)]
    private static partial int crypto_auth_hmacsha256_final(byte* state, byte* output);

    [LibraryImport(Library)]
    private static partial nuint crypto_auth_hmacsha512_statebytes();

    [LibraryImport(Library)]
    private static partial int crypto_auth_hmacsha512_init(byte* state, byte* key, nuint keylen);

    [LibraryImport(Library)]
    private static partial int crypto_auth_hmacsha512_update(byte* state, byte* input, ulong inlen);

    [LibraryImport(Library)]
    private static partial int crypto_auth_hmacsha512_final(byte* state, byte* output);
}
