using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// X25519 (RFC 7748 §5) without NSec's key objects, each of which is a guarded allocation that costs
/// more than the scalar multiplication itself (HPKE, TreeKEM).
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>An X25519 scalar, u-coordinate or shared secret: 32 bytes.</summary>
    public const int X25519Size = 32;

    /// <summary>
    /// crypto_scalarmult_curve25519_base: the public key X25519(<paramref name="scalar"/>, 9) of a
    /// private key (libsodium clamps the scalar).
    /// </summary>
    public static void X25519Base(Span<byte> publicKey, ReadOnlySpan<byte> scalar)
    {
        CheckSize(publicKey, X25519Size, "X25519");
        CheckSize(scalar, X25519Size, "X25519");
        fixed (byte* q = publicKey, n = scalar)
        {
            if (crypto_scalarmult_curve25519_base(q, n) != 0)
            {
                throw new InvalidOperationException("crypto_scalarmult_curve25519_base failed.");
            }
        }
    }

    /// <summary>
    /// crypto_scalarmult_curve25519: X25519(<paramref name="scalar"/>, <paramref name="point"/>) into
    /// <paramref name="sharedSecret"/>. False when <paramref name="point"/> has small order or the
    /// result is all zero (RFC 7748 §6.1, RFC 9180 §7.1.4); libsodium checks it in constant time.
    /// </summary>
    public static bool X25519(Span<byte> sharedSecret, ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> point)
    {
        CheckSize(sharedSecret, X25519Size, "X25519");
        CheckSize(scalar, X25519Size, "X25519");
        CheckSize(point, X25519Size, "X25519");
        fixed (byte* q = sharedSecret, n = scalar, p = point)
        {
            return crypto_scalarmult_curve25519(q, n, p) == 0;
        }
    }

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);
}
