using System.Runtime.InteropServices;

namespace Courier.Mls.Crypto.Interop;

/// <summary>
/// X25519 (RFC 7748 §5) called directly in the libsodium that NSec's package ships, so that an HPKE
/// encryption needs no NSec key object (each one a guarded allocation that costs more than the
/// scalar multiplication itself). Sizes are checked before each call; the caller owns the buffers
/// and wipes the secret ones.
/// </summary>
internal static unsafe partial class Sodium
{
    /// <summary>An X25519 scalar, u-coordinate or shared secret: 32 bytes.</summary>
    public const int X25519Size = 32;

    private const string Library = "libsodium";

    static Sodium()
    {
        // Idempotent (1 means "already initialized", as after NSec's first use).
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialized.");
        }
    }

    /// <summary>
    /// crypto_scalarmult_curve25519_base: the public key X25519(<paramref name="scalar"/>, 9) of a
    /// private key (libsodium clamps the scalar).
    /// </summary>
    public static void X25519Base(Span<byte> publicKey, ReadOnlySpan<byte> scalar)
    {
        Check(publicKey, scalar);
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
        Check(sharedSecret, scalar);
        Check(sharedSecret, point);
        fixed (byte* q = sharedSecret, n = scalar, p = point)
        {
            return crypto_scalarmult_curve25519(q, n, p) == 0;
        }
    }

    private static void Check(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != X25519Size || b.Length != X25519Size)
        {
            throw new ArgumentException($"X25519 values are {X25519Size} bytes.");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);
}
