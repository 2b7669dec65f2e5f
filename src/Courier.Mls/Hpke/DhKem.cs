using System.Security.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// DHKEM(Group, HKDF-SHA256) (RFC 9180 §4.1): Encap, Decap and DeriveKeyPair over a Diffie-Hellman
/// group, with the ephemeral secrets in wiped buffers. Two groups: X25519 (KEM 0x0020) on libsodium
/// directly (<see cref="DhKemX25519"/>) and P-256 (KEM 0x0010) on the BCL (<see cref="DhKemP256"/>).
/// Both have Nsk = Nsecret = 32 (RFC 9180 §7.1), so the scratch sizes are the same.
/// </summary>
internal abstract class DhKem : Kem
{
    /// <summary>The scratch <see cref="Encap(ReadOnlySpan{byte}, IRandom, Span{byte})"/> needs: ikm, skE and dh.</summary>
    internal const int EncapScratchSize = 3 * PrivateKeySize;

    /// <summary>The scratch <see cref="Decap(ReadOnlySpan{byte}, HpkePrivateKey, Span{byte})"/> needs: dh.</summary>
    internal const int DecapScratchSize = SharedSecretSize;

    /// <summary>DHKEM(X25519, HKDF-SHA256).</summary>
    public static readonly DhKem X25519Sha256 = new DhKemX25519();

    /// <summary>DHKEM(P-256, HKDF-SHA256).</summary>
    public static readonly DhKem P256Sha256 = new DhKemP256();

    // suite_id = concat("KEM", I2OSP(kem_id, 2)) (RFC 9180 §4.1); Nenc = Npk, and Encap draws Nsk bytes (GenerateKeyPair).
    private protected DhKem(ushort id, int publicKeySize)
        : base(id, publicKeySize, publicKeySize, PrivateKeySize)
        => Kdf = new HpkeKdf(Hkdf.Sha256, [(byte)'K', (byte)'E', (byte)'M', (byte)(id >> 8), (byte)(id & 0xFF)]);

    /// <summary>The KDF with suite_id "KEM" || kem_id.</summary>
    private protected HpkeKdf Kdf { get; }

    /// <summary>Encap(pkR) (RFC 9180 §4.1): a fresh ephemeral key pair, enc = pkEm, and the shared secret.</summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is not a valid public key (ValidationError).</exception>
    public override (byte[] Enc, Secret SharedSecret) Encap(ReadOnlySpan<byte> pkR, IRandom random)
    {
        Span<byte> scratch = stackalloc byte[EncapScratchSize];
        return Encap(pkR, random, scratch);
    }

    /// <summary>
    /// Decap(enc, skR) (RFC 9180 §4.1). Null when <paramref name="enc"/> is not a valid encapsulation:
    /// the wrong size, or not a valid public key (§7.1.4).
    /// </summary>
    public override Secret? Decap(ReadOnlySpan<byte> enc, HpkePrivateKey skR)
    {
        Span<byte> dh = stackalloc byte[DecapScratchSize];
        return Decap(enc, skR, dh);
    }

    /// <summary>
    /// Encap with the ephemeral secrets (ikm, skE, dh) in <paramref name="scratch"/>, which is wiped
    /// before returning, also when it throws.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is not a valid public key (ValidationError).</exception>
    internal (byte[] Enc, Secret SharedSecret) Encap(ReadOnlySpan<byte> pkR, IRandom random, Span<byte> scratch)
    {
        CheckEncap(pkR, random, scratch, EncapScratchSize);
        var ikm = scratch[..PrivateKeySize];
        var skE = scratch.Slice(PrivateKeySize, PrivateKeySize);
        var dh = scratch.Slice(2 * PrivateKeySize, SharedSecretSize);
        try
        {
            // GenerateKeyPair() = DeriveKeyPair(random(Nsk)) (§4), the private key straight into skE.
            random.Fill(ikm);
            DeriveSecretKey(ikm, skE);
            var enc = new byte[EncSize];
            PublicKeyOf(skE, enc);
            if (!Dh(dh, skE, pkR))
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
        CheckOwnKey(skR);
        ArgumentOutOfRangeException.ThrowIfNotEqual(scratch.Length, DecapScratchSize, nameof(scratch));
        if (enc.Length != EncSize)
        {
            return null;
        }

        try
        {
            return Dh(scratch, skR.Scalar, enc) ? ExtractAndExpand(scratch, enc, skR.PublicKeySpan) : null;
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
        using var eaePrk = Kdf.LabeledExtract(default, "eae_prk"u8, dh);
        return Kdf.LabeledExpand(eaePrk.Span, "shared_secret"u8, kemContext, SharedSecretSize);
    }

    /// <summary>
    /// DH(sk, pk) into <paramref name="dh"/> (Ndh = 32 bytes); false when <paramref name="pk"/> is not
    /// a valid public key or the result is refused (RFC 9180 §7.1.4).
    /// </summary>
    private protected abstract bool Dh(Span<byte> dh, ReadOnlySpan<byte> sk, ReadOnlySpan<byte> pk);
}
