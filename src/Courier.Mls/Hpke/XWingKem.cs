using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Mls.Hpke;

/// <summary>
/// X-Wing (draft-connolly-cfrg-xwing-kem, ML-KEM-768 combined with X25519) as an HPKE KEM, KEM 0x647A
/// (draft §"Use in HPKE"): Encap and Decap are X-Wing's own, on libsodium; the private key is the
/// 32-byte seed, DeriveKeyPair(ikm) = GenerateKeyPairDerand(SHAKE256(ikm, 32)). The encapsulation
/// randomness (64 bytes) lives in the caller's wiped scratch.
/// </summary>
internal sealed class XWingKem : Kem
{
    /// <summary>The scratch <see cref="Encap(ReadOnlySpan{byte}, IRandom, Span{byte})"/> needs: eseed.</summary>
    internal const int EncapScratchSize = LibSodium.XWingEncapsulationSeedSize;

    /// <summary>X-Wing, the one instance.</summary>
    public static readonly XWingKem Instance = new();

    private XWingKem()
        : base(0x647A, LibSodium.XWingPublicKeySize, LibSodium.XWingCiphertextSize, LibSodium.XWingEncapsulationSeedSize)
    {
    }

    /// <inheritdoc/>
    public override (byte[] Enc, Secret SharedSecret) Encap(ReadOnlySpan<byte> pkR, IRandom random)
    {
        Span<byte> scratch = stackalloc byte[EncapScratchSize];
        return Encap(pkR, random, scratch);
    }

    /// <summary>
    /// Encapsulate(pk) (draft §5.4) with eseed drawn into <paramref name="scratch"/>, which is wiped
    /// before returning, also when it throws. A key whose ML-KEM part fails the encapsulation key
    /// check, or whose X25519 part has small order, is a ValidationError (the draft's EncapError).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is refused (ValidationError).</exception>
    internal (byte[] Enc, Secret SharedSecret) Encap(ReadOnlySpan<byte> pkR, IRandom random, Span<byte> scratch)
    {
        CheckEncap(pkR, random, scratch, EncapScratchSize);
        var sharedSecret = Secret.Zero(SharedSecretSize);
        try
        {
            random.Fill(scratch);
            var enc = new byte[EncSize];
            if (!LibSodium.XWingEncapsulate(enc, sharedSecret.Writable, pkR, scratch))
            {
                throw new HpkeException(HpkeError.ValidationError);
            }

            return (enc, sharedSecret);
        }
        catch
        {
            sharedSecret.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch);
        }
    }

    /// <summary>Decapsulate(ct, sk) (draft §5.5); null when <paramref name="enc"/> is not Nenc bytes or libsodium refuses it.</summary>
    public override Secret? Decap(ReadOnlySpan<byte> enc, HpkePrivateKey skR)
    {
        CheckOwnKey(skR);
        if (enc.Length != EncSize)
        {
            return null;
        }

        var sharedSecret = Secret.Zero(SharedSecretSize);
        if (LibSodium.XWingDecapsulate(sharedSecret.Writable, enc, skR.Scalar))
        {
            return sharedSecret;
        }

        sharedSecret.Dispose();
        return null;
    }

    /// <summary>
    /// True when <paramref name="publicKey"/> is 1216 bytes that an encapsulation accepts: the ML-KEM
    /// part passes the encapsulation key check (FIPS 203 §7.2), the X25519 part has no small order.
    /// The trial encapsulation's randomness is fixed and its outputs are thrown away (wiped).
    /// </summary>
    public override bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeySize)
        {
            return false;
        }

        Span<byte> eseed = stackalloc byte[LibSodium.XWingEncapsulationSeedSize];
        eseed.Clear();
        var ciphertext = new byte[EncSize];
        Span<byte> sharedSecret = stackalloc byte[SharedSecretSize];
        try
        {
            return LibSodium.XWingEncapsulate(ciphertext, sharedSecret, publicKey, eseed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    /// <summary>GenerateKeyPairDerand(sk) (draft §5.2): the encapsulation key of the seed.</summary>
    internal override void PublicKeyOf(ReadOnlySpan<byte> sk, Span<byte> publicKey)
    {
        // libsodium writes the decapsulation key (the seed again) beside the public key.
        Span<byte> seedCopy = stackalloc byte[PrivateKeySize];
        try
        {
            LibSodium.XWingSeedKeypair(publicKey, seedCopy, sk);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seedCopy);
        }
    }

    /// <summary>sk = SHAKE256(ikm, 32 * 8) (draft, "Use in HPKE").</summary>
    private protected override void DeriveSecretKey(ReadOnlySpan<byte> ikm, Span<byte> sk)
    {
        if (!Shake256.IsSupported)
        {
            throw new PlatformNotSupportedException("X-Wing's DeriveKeyPair needs SHAKE256, which this platform's cryptography lacks.");
        }

        Shake256.HashData(ikm, sk);
    }
}
