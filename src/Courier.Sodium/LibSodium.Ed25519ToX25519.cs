using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// The birational map from Ed25519 keys to X25519 keys (RFC 7748 §4.1), so that a relay's pinned
/// Ed25519 identity key can also receive: bundles are sealed to it by X25519 (docs/bundles.md).
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>crypto_sign_ed25519_pk_to_curve25519: the X25519 public key of an Ed25519 public key; false for a key that is not a valid point (or of small order).</summary>
    public static bool Ed25519PublicToX25519(Span<byte> x25519PublicKey, ReadOnlySpan<byte> ed25519PublicKey)
    {
        CheckSize(x25519PublicKey, X25519Size, "X25519");
        if (ed25519PublicKey.Length != Ed25519PublicKeySize)
        {
            return false;
        }

        fixed (byte* x = x25519PublicKey, ed = ed25519PublicKey)
        {
            return crypto_sign_ed25519_pk_to_curve25519(x, ed) == 0;
        }
    }

    /// <summary>crypto_sign_ed25519_sk_to_curve25519: the X25519 private scalar of an Ed25519 seed (the first half of SHA-512 of the seed); the caller wipes it.</summary>
    public static void Ed25519SeedToX25519(Span<byte> x25519PrivateKey, ReadOnlySpan<byte> seed)
    {
        CheckSize(x25519PrivateKey, X25519Size, "X25519");
        Span<byte> publicKey = stackalloc byte[Ed25519PublicKeySize];
        Span<byte> secretKey = stackalloc byte[Ed25519SecretKeySize];
        try
        {
            Ed25519SeedKeyPair(publicKey, secretKey, seed);
            fixed (byte* x = x25519PrivateKey, sk = secretKey)
            {
                if (crypto_sign_ed25519_sk_to_curve25519(x, sk) != 0)
                {
                    throw new InvalidOperationException("crypto_sign_ed25519_sk_to_curve25519 failed.");
                }
            }
        }
        finally
        {
            secretKey.Clear();
        }
    }

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_pk_to_curve25519(byte* x25519Pk, byte* ed25519Pk);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_sk_to_curve25519(byte* x25519Sk, byte* ed25519Sk);
}
