using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// Keyed BLAKE2b (RFC 7693) without NSec's key objects, each of which is a guarded allocation that costs
/// more than hashing a Sphinx payload (Lioness keys every hash with fresh key material).
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>The longest BLAKE2b key: 64 bytes.</summary>
    public const int Blake2bMaxKeySize = 64;

    /// <summary>
    /// crypto_generichash (BLAKE2b): the <paramref name="hash"/>.Length-byte digest (16 to 64) of
    /// <paramref name="message"/> keyed with <paramref name="key"/> (16 to 64 bytes).
    /// </summary>
    public static void Blake2b(Span<byte> hash, ReadOnlySpan<byte> message, ReadOnlySpan<byte> key)
    {
        if (hash.Length is < 16 or > 64 || key.Length is < 16 or > Blake2bMaxKeySize)
        {
            throw new ArgumentException("BLAKE2b digests and keys are 16 to 64 bytes.");
        }

        fixed (byte* h = hash, m = message, k = key)
        {
            if (crypto_generichash(h, (nuint)hash.Length, m, (ulong)message.Length, k, (nuint)key.Length) != 0)
            {
                throw new InvalidOperationException("crypto_generichash failed.");
            }
        }
    }

    [LibraryImport(Library)]
    private static partial int crypto_generichash(byte* @out, nuint outlen, byte* @in, ulong inlen, byte* key, nuint keylen);
}
