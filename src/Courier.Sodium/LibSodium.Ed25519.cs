using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// Ed25519 (RFC 8032 §5.1) without NSec's key objects: a signing key in NSec is a guarded allocation
/// (guard pages, mlock) whose creation and release cost more than a signature, which matters where
/// keys are made and dropped often (a KeyPackage per contact, MLS groups restored from storage).
/// The caller keeps the 64-byte secret key (seed || public key, libsodium's layout) in memory it wipes.
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>An Ed25519 seed (the RFC 8032 private key): 32 bytes.</summary>
    public const int Ed25519SeedSize = 32;

    /// <summary>libsodium's Ed25519 secret key: the seed followed by the public key, 64 bytes.</summary>
    public const int Ed25519SecretKeySize = 64;

    /// <summary>An Ed25519 public key: 32 bytes.</summary>
    public const int Ed25519PublicKeySize = 32;

    /// <summary>An Ed25519 signature: 64 bytes.</summary>
    public const int Ed25519SignatureSize = 64;

    /// <summary>crypto_sign_ed25519_seed_keypair: the public key and libsodium's secret key of <paramref name="seed"/>.</summary>
    public static void Ed25519SeedKeyPair(Span<byte> publicKey, Span<byte> secretKey, ReadOnlySpan<byte> seed)
    {
        CheckSize(publicKey, Ed25519PublicKeySize, "Ed25519 public key");
        CheckSize(secretKey, Ed25519SecretKeySize, "Ed25519 secret key");
        CheckSize(seed, Ed25519SeedSize, "Ed25519 seed");
        fixed (byte* pk = publicKey, sk = secretKey, s = seed)
        {
            if (crypto_sign_ed25519_seed_keypair(pk, sk, s) != 0)
            {
                throw new InvalidOperationException("crypto_sign_ed25519_seed_keypair failed.");
            }
        }
    }

    /// <summary>crypto_sign_ed25519_detached: the signature of <paramref name="message"/> (deterministic, RFC 8032 §5.1.6).</summary>
    public static void Ed25519Sign(Span<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey)
    {
        CheckSize(signature, Ed25519SignatureSize, "Ed25519 signature");
        CheckSize(secretKey, Ed25519SecretKeySize, "Ed25519 secret key");
        fixed (byte* sig = signature, m = message, sk = secretKey)
        {
            if (crypto_sign_ed25519_detached(sig, null, m, (ulong)message.Length, sk) != 0)
            {
                throw new InvalidOperationException("crypto_sign_ed25519_detached failed.");
            }
        }
    }

    /// <summary>
    /// crypto_sign_ed25519_verify_detached: true when <paramref name="signature"/> is a valid
    /// signature of <paramref name="message"/> by <paramref name="publicKey"/>; false for any other
    /// input, including keys and signatures of the wrong size (libsodium refuses small-order keys
    /// and non-canonical signatures).
    /// </summary>
    public static bool Ed25519Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        if (signature.Length != Ed25519SignatureSize || publicKey.Length != Ed25519PublicKeySize)
        {
            return false;
        }

        fixed (byte* sig = signature, m = message, pk = publicKey)
        {
            return crypto_sign_ed25519_verify_detached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_seed_keypair(byte* pk, byte* sk, byte* seed);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_detached(byte* sig, ulong* siglen, byte* m, ulong mlen, byte* sk);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);
}
