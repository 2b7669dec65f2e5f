using System.Security.Cryptography;
using NSec.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// DHKEM(X25519, HKDF-SHA256), KEM 0x0020 (RFC 9180 §4.1, §7.1). Each Encap creates exactly one NSec
/// key (the ephemeral one) and each Encap/Decap one libsodium shared secret, because those allocations
/// dominate the cost.
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

    public static readonly DhKem X25519Sha256 = new();

    private static readonly KeyAgreementAlgorithm X25519 = KeyAgreementAlgorithm.X25519;

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

        using var dkpPrk = _kdf.LabeledExtract(default, "dkp_prk"u8, ikm);
        using var sk = _kdf.LabeledExpand(dkpPrk.Span, "sk"u8, default, PrivateKeySize);
        return HpkePrivateKey.Import(sk.Span);
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
        if (pkR.Length != PublicKeySize)
        {
            throw new ArgumentException($"An X25519 public key is {PublicKeySize} bytes.", nameof(pkR));
        }

        ArgumentNullException.ThrowIfNull(random);
        using var skE = GenerateKeyPair(random);
        var enc = skE.PublicKey;
        var sharedSecret = DhAndExtract(skE, pkR, enc, pkR) ?? throw new HpkeException(HpkeError.ValidationError);
        return (enc, sharedSecret);
    }

    /// <summary>
    /// Decap(enc, skR) (RFC 9180 §4.1). Null when <paramref name="enc"/> is not a valid encapsulation:
    /// the wrong size, or a low-order point giving an all-zero shared secret (§7.1.4).
    /// </summary>
    public Secret? Decap(ReadOnlySpan<byte> enc, HpkePrivateKey skR)
    {
        ArgumentNullException.ThrowIfNull(skR);
        if (enc.Length != EncSize)
        {
            return null;
        }

        return DhAndExtract(skR, enc, enc, skR.PublicKeySpan);
    }

    /// <summary>
    /// dh = DH(sk, pk); kem_context = enc || pkRm; shared_secret = ExtractAndExpand(dh, kem_context).
    /// Null when libsodium reports an all-zero dh (RFC 9180 §7.1.4).
    /// </summary>
    private Secret? DhAndExtract(HpkePrivateKey privateKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> pkRm)
    {
        var peer = NSec.Cryptography.PublicKey.Import(X25519, publicKey, KeyBlobFormat.RawPublicKey);
        using var agreed = X25519.Agree(
            privateKey.Key,
            peer,
            new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        if (agreed is null)
        {
            return null;
        }

        using var dh = Secret.Zero(X25519.SharedSecretSize);
        if (!agreed.TryExport(SharedSecretBlobFormat.RawSharedSecret, dh.Writable, out var written) || written != dh.Length)
        {
            throw new InvalidOperationException("The X25519 shared secret could not be exported.");
        }

        // libsodium already refuses an all-zero output; checked again here because the RFC requires it.
        if (IsAllZero(dh.Span))
        {
            return null;
        }

        var kemContext = new byte[enc.Length + pkRm.Length];
        enc.CopyTo(kemContext);
        pkRm.CopyTo(kemContext.AsSpan(enc.Length));
        return ExtractAndExpand(dh.Span, kemContext);
    }

    /// <summary>ExtractAndExpand(dh, kem_context) (RFC 9180 §4.1).</summary>
    private Secret ExtractAndExpand(ReadOnlySpan<byte> dh, ReadOnlySpan<byte> kemContext)
    {
        using var eaePrk = _kdf.LabeledExtract(default, "eae_prk"u8, dh);
        return _kdf.LabeledExpand(eaePrk.Span, "shared_secret"u8, kemContext, SharedSecretSize);
    }

    private static bool IsAllZero(ReadOnlySpan<byte> bytes)
    {
        // Constant time: no early exit on the secret value.
        var accumulator = 0;
        foreach (var b in bytes)
        {
            accumulator |= b;
        }

        return accumulator == 0;
    }
}
