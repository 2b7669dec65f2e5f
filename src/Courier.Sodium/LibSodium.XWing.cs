using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// X-Wing (draft-connolly-cfrg-xwing-kem): ML-KEM-768 combined with X25519, the hybrid KEM of the
/// post-quantum MLS suite. The decapsulation key is the 32-byte seed; every randomness is the
/// caller's (the deterministic entry points), so that HPKE draws it from its injected source.
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>An X-Wing encapsulation key: the ML-KEM-768 key (1184 bytes) then the X25519 one (32).</summary>
    public const int XWingPublicKeySize = 1216;

    /// <summary>An X-Wing decapsulation key: the 32-byte seed it is expanded from (draft §5.2).</summary>
    public const int XWingSecretKeySize = 32;

    /// <summary>An X-Wing ciphertext: the ML-KEM-768 ciphertext (1088 bytes) then the X25519 one (32).</summary>
    public const int XWingCiphertextSize = 1120;

    /// <summary>An X-Wing shared secret: 32 bytes.</summary>
    public const int XWingSharedSecretSize = 32;

    /// <summary>The randomness of one encapsulation (eseed): the ML-KEM message (32 bytes) then the ephemeral X25519 scalar (32).</summary>
    public const int XWingEncapsulationSeedSize = 64;

    // The sizes above are libsodium's own, read once (its header's constants could change under us).
    private static readonly bool XWingSizesMatch =
        crypto_kem_xwing_publickeybytes() == XWingPublicKeySize
        && crypto_kem_xwing_secretkeybytes() == XWingSecretKeySize
        && crypto_kem_xwing_ciphertextbytes() == XWingCiphertextSize
        && crypto_kem_xwing_sharedsecretbytes() == XWingSharedSecretSize
        && crypto_kem_xwing_seedbytes() == XWingSecretKeySize;

    /// <summary>
    /// crypto_kem_xwing_seed_keypair: the encapsulation key of the decapsulation key
    /// <paramref name="seed"/> (draft §5.2, GenerateKeyPairDerand), and the decapsulation key itself
    /// (the seed again) into <paramref name="secretKey"/>, which the caller wipes.
    /// </summary>
    public static void XWingSeedKeypair(Span<byte> publicKey, Span<byte> secretKey, ReadOnlySpan<byte> seed)
    {
        CheckXWingSizes();
        CheckSize(publicKey, XWingPublicKeySize, "X-Wing encapsulation key");
        CheckSize(secretKey, XWingSecretKeySize, "X-Wing decapsulation key");
        CheckSize(seed, XWingSecretKeySize, "X-Wing seed");
        fixed (byte* pk = publicKey, sk = secretKey, s = seed)
        {
            if (crypto_kem_xwing_seed_keypair(pk, sk, s) != 0)
            {
                throw new InvalidOperationException("crypto_kem_xwing_seed_keypair failed.");
            }
        }
    }

    /// <summary>
    /// crypto_kem_xwing_enc_deterministic: Encapsulate (draft §5.4) to <paramref name="publicKey"/>
    /// with the randomness <paramref name="encapsulationSeed"/>. False, with nothing written, when the
    /// ML-KEM part of the key fails its encapsulation key check (FIPS 203 §7.2) or the X25519 part has
    /// small order.
    /// </summary>
    public static bool XWingEncapsulate(Span<byte> ciphertext, Span<byte> sharedSecret, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> encapsulationSeed)
    {
        CheckXWingSizes();
        CheckSize(ciphertext, XWingCiphertextSize, "X-Wing ciphertext");
        CheckSize(sharedSecret, XWingSharedSecretSize, "X-Wing shared secret");
        CheckSize(publicKey, XWingPublicKeySize, "X-Wing encapsulation key");
        CheckSize(encapsulationSeed, XWingEncapsulationSeedSize, "X-Wing encapsulation seed");
        fixed (byte* ct = ciphertext, ss = sharedSecret, pk = publicKey, s = encapsulationSeed)
        {
            return crypto_kem_xwing_enc_deterministic(ct, ss, pk, s) == 0;
        }
    }

    /// <summary>
    /// crypto_kem_xwing_dec: Decapsulate (draft §5.5) <paramref name="ciphertext"/> with the
    /// decapsulation key <paramref name="secretKey"/>. A tampered ML-KEM part still yields a (wrong)
    /// secret, ML-KEM's implicit rejection; false when libsodium refuses the ciphertext.
    /// </summary>
    public static bool XWingDecapsulate(Span<byte> sharedSecret, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> secretKey)
    {
        CheckXWingSizes();
        CheckSize(sharedSecret, XWingSharedSecretSize, "X-Wing shared secret");
        CheckSize(ciphertext, XWingCiphertextSize, "X-Wing ciphertext");
        CheckSize(secretKey, XWingSecretKeySize, "X-Wing decapsulation key");
        fixed (byte* ss = sharedSecret, ct = ciphertext, sk = secretKey)
        {
            return crypto_kem_xwing_dec(ss, ct, sk) == 0;
        }
    }

    private static void CheckXWingSizes()
    {
        if (!XWingSizesMatch)
        {
            throw new InvalidOperationException("This libsodium's X-Wing sizes differ from draft-connolly-cfrg-xwing-kem's.");
        }
    }

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_publickeybytes();

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_secretkeybytes();

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_ciphertextbytes();

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_sharedsecretbytes();

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_seedbytes();

    [LibraryImport(Library)]
    private static partial int crypto_kem_xwing_seed_keypair(byte* pk, byte* sk, byte* seed);

    [LibraryImport(Library)]
    private static partial int crypto_kem_xwing_enc_deterministic(byte* ct, byte* ss, byte* pk, byte* seed);

    [LibraryImport(Library)]
    private static partial int crypto_kem_xwing_dec(byte* ss, byte* ct, byte* sk);
}
