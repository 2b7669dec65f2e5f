using System.Runtime.InteropServices;

namespace Courier.Node.Interop;

/// <summary>
/// The few libsodium ristretto255 operations (RFC 9496) NSec does not expose, bound to the libsodium
/// that NSec's package ships. Nothing here computes in a field or group itself: every call is
/// libsodium's, constant time, with sizes checked before the call.
/// </summary>
internal static unsafe partial class Sodium
{
    /// <summary>A ristretto255 encoding or scalar: 32 bytes.</summary>
    public const int Size = 32;

    /// <summary>The input of the element derivation: 64 bytes.</summary>
    public const int HashSize = 64;

    private const string Library = "libsodium";

    static Sodium()
    {
        // Idempotent, and already done when NSec was used first; 1 means "already initialized".
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialized.");
        }
    }

    /// <summary>
    /// crypto_core_ristretto255_from_hash: the element derivation of RFC 9496 §4.3.4 (the one-way map
    /// of each half of the 64 bytes, added), written as its canonical encoding.
    /// </summary>
    public static void Ristretto255FromHash(Span<byte> point, ReadOnlySpan<byte> hash)
    {
        Check(point);
        if (hash.Length != HashSize)
        {
            throw new ArgumentException($"The element derivation takes {HashSize} bytes.", nameof(hash));
        }

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
        Check(point);
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
        Check(result);
        Check(scalar);
        Check(point);
        fixed (byte* q = result, n = scalar, p = point)
        {
            return crypto_scalarmult_ristretto255(q, n, p) == 0;
        }
    }

    private static void Check(ReadOnlySpan<byte> value)
    {
        if (value.Length != Size)
        {
            throw new ArgumentException($"libsodium's ristretto255 points and scalars are {Size} bytes.");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_core_ristretto255_from_hash(byte* p, byte* r);

    [LibraryImport(Library)]
    private static partial int crypto_core_ristretto255_is_valid_point(byte* p);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ristretto255(byte* q, byte* n, byte* p);
}
