using System.Security.Cryptography;
using Courier.Mls.Crypto.Interop;

namespace Courier.Mls.Hpke;

/// <summary>
/// DHKEM(X25519, HKDF-SHA256), KEM 0x0020 (RFC 9180 §4.1, §7.1), on libsodium's X25519 directly:
/// the ephemeral key and the DH output live in wiped stack buffers, because NSec's key objects (one
/// guarded allocation each) cost more than the scalar multiplication.
/// </summary>
internal sealed class DhKem
{
    /// <summary>The KEM identifier (RFC 9180 §7.1).</summary>
    public const ushort Id = 0x0020;

    /// <summary>Nsecret: the size of the KEM shared secret.</summary>
    public const int SharedSecretSize = 32;

    /// <summary>Nenc: the size of an encapsulated key.</summary>
    public const int EncSize = 32;

    /// <summary>Npk: the size of a public key.</summary>
    public const int PublicKeySize = HpkePrivateKey.PublicKeySize;

    /// <summary>Nsk: the size of a private key.</summary>
    public const int PrivateKeySize = HpkePrivateKey.Size;

    /// <summary>The scratch <see cref="Encap(ReadOnlySpan{byte}, IRandom, Span{byte})"/> needs: ikm, skE and dh.</summary>
    internal const int EncapScratchSize = 3 * PrivateKeySize;

    /// <summary>The scratch <see cref="Decap(ReadOnlySpan{byte}, HpkePrivateKey, Span{byte})"/> needs: dh.</summary>
    internal const int DecapScratchSize = SharedSecretSize;

    public static readonly DhKem X25519Sha256 = new();

    // suite_id = concat("KEM", I2OSP(kem_id, 2)) (RFC 9180 §4.1).
    private readonly HpkeKdf _kdf = new([(byte)'K', (byte)'E', (byte)'M', Id >> 8, Id & 0xFF]);

    private DhKem()
    {
    }

    /// <summary>
    /// DeriveKeyPair(ikm) for X25519 (RFC 9180 §7.1.3): sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", Nsk).
    /// The RFC asks for at least Nsk bytes of input keying material (§7.1.3); shorter input is refused.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ikm"/> is shorter than Nsk.</exception>
    public HpkePrivateKey DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        if (ikm.Length < PrivateKeySize)
        {
            throw new ArgumentException($"DeriveKeyPair needs at least {PrivateKeySize} bytes of input keying material.", nameof(ikm));
        }

        var sk = Secret.Zero(PrivateKeySize);
        try
        {
            DeriveSecretKey(ikm, sk.Writable);
        }
        catch
        {
            sk.Dispose();
            throw;
        }

        return HpkePrivateKey.Take(sk);
    }

    /// <summary>GenerateKeyPair() = DeriveKeyPair(random(Nsk)) (RFC 9180 §4).</summary>
    public HpkePrivateKey GenerateKeyPair(IRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> ikm = stackalloc byte[PrivateKeySize];
        try
        {
            random.Fill(ikm);
            return DeriveKeyPair(ikm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>Encap(pkR) (RFC 9180 §4.1): a fresh ephemeral key pair, enc = pkEm, and the shared secret.</summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not 32 bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is a low-order point (ValidationError).</exception>
    public (byte[] Enc, Secret SharedSecret) Encap(ReadOnlySpan<byte> pkR, IRandom random)
    {
        Span<byte> scratch = stackalloc byte[EncapScratchSize];
        return Encap(pkR, random, scratch);
    }

    /// <summary>
    /// Decap(enc, skR) (RFC 9180 §4.1). Null when <paramref name="enc"/> is not a valid encapsulation:
    /// the wrong size, or a low-order point giving an all-zero shared secret (§7.1.4).
    /// </summary>
    public Secret? Decap(ReadOnlySpan<byte> enc, HpkePrivateKey skR)
    {
        Span<byte> dh = stackalloc byte[DecapScratchSize];
        return Decap(enc, skR, dh);
    }

    /// <summary>
    /// Encap with the ephemeral secrets (ikm, skE, dh) in <paramref name="scratch"/>, which is wiped
    /// before returning, also when it throws. No NSec key object: libsodium's X25519 on the scratch.
    /// </summary>
    internal (byte[] Enc, Secret SharedSecret) Encap(ReadOnlySpan<byte> pkR, IRandom random, Span<byte> scratch)
    {
        if (pkR.Length != PublicKeySize)
        {
            throw new ArgumentException($"An X25519 public key is {PublicKeySize} bytes.", nameof(pkR));
        }

        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNotEqual(scratch.Length, EncapScratchSize, nameof(scratch));
        var ikm = scratch[..PrivateKeySize];
        var skE = scratch.Slice(PrivateKeySize, PrivateKeySize);
        var dh = scratch.Slice(2 * PrivateKeySize, SharedSecretSize);
        try
        {
            // GenerateKeyPair() = DeriveKeyPair(random(Nsk)) (§4), the private key straight into skE.
            random.Fill(ikm);
            DeriveSecretKey(ikm, skE);
            var enc = new byte[EncSize];
            Sodium.X25519Base(enc, skE);
            if (!Sodium.X25519(dh, skE, pkR))
            {
                throw new HpkeException(HpkeError.ValidationError);
            }

            return (enc, ExtractAndExpand(dh, enc, pkR));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch);
        }
    }

    /// <summary>Decap with the DH output in <paramref name="scratch"/>, which is wiped before returning.</summary>
    internal Secret? Decap(ReadOnlySpan<byte> enc, HpkePrivateKey skR, Span<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(skR);
        ArgumentOutOfRangeException.ThrowIfNotEqual(scratch.Length, DecapScratchSize, nameof(scratch));
        if (enc.Length != EncSize)
        {
            return null;
        }

        try
        {
            // libsodium refuses a low-order point and an all-zero output (§7.1.4) in constant time.
            return Sodium.X25519(scratch, skR.Scalar, enc) ? ExtractAndExpand(scratch, enc, skR.PublicKeySpan) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch);
        }
    }

    /// <summary>shared_secret = ExtractAndExpand(dh, kem_context = enc || pkRm) (RFC 9180 §4.1).</summary>
    internal Secret ExtractAndExpand(ReadOnlySpan<byte> dh, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> pkRm)
    {
        Span<byte> kemContext = stackalloc byte[EncSize + PublicKeySize];
        enc.CopyTo(kemContext);
        pkRm.CopyTo(kemContext[EncSize..]);
        using var eaePrk = _kdf.LabeledExtract(default, "eae_prk"u8, dh);
        return _kdf.LabeledExpand(eaePrk.Span, "shared_secret"u8, kemContext, SharedSecretSize);
    }

    /// <summary>sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", Nsk) into <paramref name="sk"/> (§7.1.3).</summary>
    private void DeriveSecretKey(ReadOnlySpan<byte> ikm, Span<byte> sk)
    {
        using var dkpPrk = _kdf.LabeledExtract(default, "dkp_prk"u8, ikm);
        _kdf.LabeledExpand(dkpPrk.Span, "sk"u8, default, sk);
    }
}
