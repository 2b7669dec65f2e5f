using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>The ristretto255 group operations (RFC 9496) that CPace needs.</summary>
internal static unsafe partial class LibSodium
{
    /// <summary>A ristretto255 encoding or scalar: 32 bytes.</summary>
    public const int Ristretto255Size = 32;

    /// <summary>The input of the element derivation: 64 bytes.</summary>
    public const int Ristretto255HashSize = 64;

    /// <summary>
    /// crypto_core_ristretto255_from_hash: the element derivation of RFC 9496 §4.3.4 (the one-way map
    /// of each half of the 64 bytes, added), written as its canonical encoding.
    /// </summary>
    public static void Ristretto255FromHash(Span<byte> point, ReadOnlySpan<byte> hash)
    {
        CheckSize(point, Ristretto255Size, "ristretto255");
        CheckSize(hash, Ristretto255HashSize, "ristretto255 element derivation");
        fixed (byte* p = point, r = hash)
        {
            if (crypto_core_ristretto255_from_hash(p, r) != 0)
            {
                throw new InvalidOperationException("crypto_core_ristretto255_from_hash failed.");
            }
        }
    }

    /// <summary>crypto_core_ristretto255_is_valid_point: true when <paramref name="point"/> is a canonical encoding (RFC 9496 §4.3.1 decode succeeds; the identity's encoding is one).</summary>
    public static bool Ristretto255IsValidPoint(ReadOnlySpan<byte> point)
    {
        CheckSize(point, Ristretto255Size, "ristretto255");
        fixed (byte* p = point)
        {
            return crypto_core_ristretto255_is_valid_point(p) == 1;
        }
    }

    /// <summary>
    /// crypto_scalarmult_ristretto255: encode(<paramref name="scalar"/> · decode(<paramref name="point"/>)),
    /// the scalar read as a little-endian integer below 2^255 with no clamping. False when the point
    /// does not decode or the result is the identity.
    /// </summary>
    public static bool Ristretto255ScalarMult(Span<byte> result, ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> point)
    {
        CheckSize(result, Ristretto255Size, "ristretto255");
        CheckSize(scalar, Ristretto255Size, "ristretto255");
        CheckSize(point, Ristretto255Size, "ristretto255");
        fixed (byte* q = result, n = scalar, p = point)
        {
            return crypto_scalarmult_ristretto255(q, n, p) == 0;
        }
    }

    [LibraryImport(Library)]
    private static partial int crypto_core_ristretto255_from_hash(byte* p, byte* r);

    [LibraryImport(Library)]
    private static partial int crypto_core_ristretto255_is_valid_point(byte* p);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ristretto255(byte* q, byte* n, byte* p);
}
