using System.Runtime.InteropServices;

namespace Courier.Node.Interop;

/// <summary>
/// The few libsodium group operations NSec does not expose, bound to the libsodium that NSec's
/// package ships. Nothing here computes in a field or group itself: every call is libsodium's,
/// constant time, with sizes checked before the call.
/// </summary>
internal static unsafe partial class Sodium
{
    /// <summary>An Ed25519 point or scalar, and an X25519 u-coordinate: 32 bytes.</summary>
    public const int Size = 32;

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
    /// crypto_core_ed25519_from_uniform: Elligator 2 (RFC 9380 §6.7.1, Z = 2) of the 255-bit
    /// u-coordinate <paramref name="r"/> (bit 255 selects the sign of x), mapped to Edwards25519 and
    /// multiplied by the cofactor 8, so the point is in the prime-order subgroup.
    /// </summary>
    public static void Ed25519FromUniform(Span<byte> point, ReadOnlySpan<byte> r)
    {
        Check(point, r);
        fixed (byte* p = point, q = r)
        {
            if (crypto_core_ed25519_from_uniform(p, q) != 0)
            {
                throw new InvalidOperationException("crypto_core_ed25519_from_uniform failed.");
            }
        }
    }

    /// <summary>
    /// crypto_scalarmult_ed25519_noclamp: <paramref name="scalar"/> (below 2^255) times
    /// <paramref name="point"/>, a point of the prime-order subgroup. False when the result is the
    /// identity or the point is not such a point.
    /// </summary>
    public static bool Ed25519ScalarMult(Span<byte> result, ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> point)
    {
        Check(result, scalar);
        Check(result, point);
        fixed (byte* q = result, n = scalar, p = point)
        {
            return crypto_scalarmult_ed25519_noclamp(q, n, p) == 0;
        }
    }

    /// <summary>crypto_sign_ed25519_pk_to_curve25519: the X25519 u-coordinate (1 + y) / (1 - y) of an Edwards25519 point of the prime-order subgroup.</summary>
    public static bool Ed25519ToCurve25519(Span<byte> u, ReadOnlySpan<byte> point)
    {
        Check(u, point);
        fixed (byte* x = u, p = point)
        {
            return crypto_sign_ed25519_pk_to_curve25519(x, p) == 0;
        }
    }

    private static void Check(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != Size || b.Length != Size)
        {
            throw new ArgumentException($"libsodium's Ed25519 and X25519 values are {Size} bytes.");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_from_uniform(byte* p, byte* r);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ed25519_noclamp(byte* q, byte* n, byte* p);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_pk_to_curve25519(byte* curve25519Pk, byte* ed25519Pk);
}
