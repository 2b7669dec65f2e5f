using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// The edwards25519 group and its scalar field (crypto_core_ed25519_*, crypto_scalarmult_ed25519_*noclamp):
/// what FROST(Ed25519, SHA-512) (RFC 9591 §6.5) computes with. Points are 32-byte RFC 8032 encodings,
/// scalars 32-byte little-endian integers; every operation is libsodium's.
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>An edwards25519 point encoding or scalar: 32 bytes.</summary>
    public const int Ed25519CoreSize = 32;

    /// <summary>The input of the scalar reduction: a 64-byte little-endian integer.</summary>
    public const int Ed25519NonReducedScalarSize = 64;

    /// <summary>
    /// crypto_core_ed25519_is_valid_point: true when <paramref name="point"/> is a canonical encoding of
    /// a point of the prime-order subgroup other than one of small order (so never the identity).
    /// </summary>
    public static bool Ed25519IsValidPoint(ReadOnlySpan<byte> point)
    {
        CheckSize(point, Ed25519CoreSize, "edwards25519");
        fixed (byte* p = point)
        {
            return crypto_core_ed25519_is_valid_point(p) == 1;
        }
    }

    /// <summary>crypto_core_ed25519_add: <paramref name="p"/> + <paramref name="q"/>; false when either does not decode.</summary>
    public static bool Ed25519Add(Span<byte> result, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        CheckPoints(result, p, q);
        fixed (byte* r = result, a = p, b = q)
        {
            return crypto_core_ed25519_add(r, a, b) == 0;
        }
    }

    /// <summary>crypto_core_ed25519_scalar_reduce: the 64-byte little-endian <paramref name="wide"/> modulo the group order L.</summary>
    public static void Ed25519ScalarReduce(Span<byte> result, ReadOnlySpan<byte> wide)
    {
        CheckSize(result, Ed25519CoreSize, "edwards25519 scalar");
        CheckSize(wide, Ed25519NonReducedScalarSize, "edwards25519 non-reduced scalar");
        fixed (byte* r = result, s = wide)
        {
            crypto_core_ed25519_scalar_reduce(r, s);
        }
    }

    /// <summary>crypto_core_ed25519_scalar_add: x + y mod L.</summary>
    public static void Ed25519ScalarAdd(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        CheckPoints(z, x, y);
        fixed (byte* r = z, a = x, b = y)
        {
            crypto_core_ed25519_scalar_add(r, a, b);
        }
    }

    /// <summary>crypto_core_ed25519_scalar_sub: x − y mod L.</summary>
    public static void Ed25519ScalarSub(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        CheckPoints(z, x, y);
        fixed (byte* r = z, a = x, b = y)
        {
            crypto_core_ed25519_scalar_sub(r, a, b);
        }
    }

    /// <summary>crypto_core_ed25519_scalar_mul: x · y mod L.</summary>
    public static void Ed25519ScalarMul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        CheckPoints(z, x, y);
        fixed (byte* r = z, a = x, b = y)
        {
            crypto_core_ed25519_scalar_mul(r, a, b);
        }
    }

    /// <summary>crypto_core_ed25519_scalar_invert: 1/s mod L; false when s is zero.</summary>
    public static bool Ed25519ScalarInvert(Span<byte> result, ReadOnlySpan<byte> s)
    {
        CheckSize(result, Ed25519CoreSize, "edwards25519 scalar");
        CheckSize(s, Ed25519CoreSize, "edwards25519 scalar");
        fixed (byte* r = result, a = s)
        {
            return crypto_core_ed25519_scalar_invert(r, a) == 0;
        }
    }

    /// <summary>
    /// crypto_scalarmult_ed25519_base_noclamp: n · B for the scalar n as given (no clamping); false when
    /// n is zero or the result is the identity.
    /// </summary>
    public static bool Ed25519ScalarMultBase(Span<byte> result, ReadOnlySpan<byte> n)
    {
        CheckSize(result, Ed25519CoreSize, "edwards25519");
        CheckSize(n, Ed25519CoreSize, "edwards25519 scalar");
        fixed (byte* q = result, s = n)
        {
            return crypto_scalarmult_ed25519_base_noclamp(q, s) == 0;
        }
    }

    /// <summary>
    /// crypto_scalarmult_ed25519_noclamp: n · P for the scalar n as given; false when P is not a
    /// canonical point of the prime-order subgroup, n is zero or the result is the identity.
    /// </summary>
    public static bool Ed25519ScalarMult(Span<byte> result, ReadOnlySpan<byte> n, ReadOnlySpan<byte> point)
    {
        CheckPoints(result, n, point);
        fixed (byte* q = result, s = n, p = point)
        {
            return crypto_scalarmult_ed25519_noclamp(q, s, p) == 0;
        }
    }

    private static void CheckPoints(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        CheckSize(a, Ed25519CoreSize, "edwards25519");
        CheckSize(b, Ed25519CoreSize, "edwards25519");
        CheckSize(c, Ed25519CoreSize, "edwards25519");
    }

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_is_valid_point(byte* p);

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_add(byte* r, byte* p, byte* q);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_reduce(byte* r, byte* s);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_add(byte* z, byte* x, byte* y);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_sub(byte* z, byte* x, byte* y);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_mul(byte* z, byte* x, byte* y);

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_scalar_invert(byte* recip, byte* s);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ed25519_base_noclamp(byte* q, byte* n);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ed25519_noclamp(byte* q, byte* n, byte* p);
}
