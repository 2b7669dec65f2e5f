using System.Text;

namespace Courier.Mls.Crypto;

/// <summary>The ciphersuites Courier implements, with their IANA names (RFC 9420 §17.1).</summary>
public enum CipherSuiteId : ushort
{
    /// <summary>DHKEM(X25519, HKDF-SHA256), AES-128-GCM, SHA-256, Ed25519. Mandatory to implement.</summary>
    MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 = 0x0001,

    /// <summary>DHKEM(P-256, HKDF-SHA256), AES-128-GCM, SHA-256, ECDSA P-256 with SHA-256.</summary>
    MLS_128_DHKEMP256_AES128GCM_SHA256_P256 = 0x0002,

    /// <summary>DHKEM(X25519, HKDF-SHA256), ChaCha20-Poly1305, SHA-256, Ed25519.</summary>
    MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 = 0x0003,

    /// <summary>
    /// X-Wing (ML-KEM-768 with X25519), ChaCha20-Poly1305, SHA-512, Ed25519: the post-quantum hybrid
    /// key exchange, with classical (Ed25519) signatures. Codepoint 0x0054 as ts-mls assigns it; not in
    /// RFC 9420's registry.
    /// </summary>
    MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519 = 0x0054,
}

/// <summary>
/// The primitives of one ciphersuite and the labeled functions RFC 9420 builds on them
/// (§5.1 RefHash, §5.1.2 SignWithLabel, §5.1.3 EncryptWithLabel, §8 ExpandWithLabel).
/// Suites 1 to 3 share SHA-256 and HKDF-SHA256; suites 1 and 3 use X25519 and Ed25519 and differ in
/// the AEAD, suite 2 uses P-256 for both the KEM and the signatures, with AES-128-GCM. Suite 0x0054
/// uses X-Wing, SHA-512 and HKDF-SHA512 (Nh = 64), ChaCha20-Poly1305 and Ed25519.
/// </summary>
internal sealed partial class CipherSuite
{
    private static readonly byte[] LabelPrefix = "MLS 1.0 "u8.ToArray();

    public static readonly CipherSuite Suite1 = new(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, Courier.Mls.Hpke.HpkeSuite.X25519Sha256Aes128Gcm, Hkdf.Sha256, SignatureScheme.Ed25519);
    public static readonly CipherSuite Suite2 = new(CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256, Courier.Mls.Hpke.HpkeSuite.P256Sha256Aes128Gcm, Hkdf.Sha256, SignatureScheme.EcdsaP256Sha256);
    public static readonly CipherSuite Suite3 = new(CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519, Courier.Mls.Hpke.HpkeSuite.X25519Sha256ChaCha20Poly1305, Hkdf.Sha256, SignatureScheme.Ed25519);
    public static readonly CipherSuite XWing = new(CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519, Courier.Mls.Hpke.HpkeSuite.XWingSha512ChaCha20Poly1305, Hkdf.Sha512, SignatureScheme.Ed25519);

    private readonly Hkdf _kdf;

    private CipherSuite(CipherSuiteId id, Courier.Mls.Hpke.HpkeSuite hpke, Hkdf kdf, SignatureScheme signatureScheme)
    {
        Id = id;
        Hpke = hpke;
        Aead = hpke.Aead!;
        _kdf = kdf;
        SignatureScheme = signatureScheme;
    }

    public CipherSuiteId Id { get; }

    /// <summary>Nh: the output size of the hash and of KDF.Extract (32, or 64 for SHA-512).</summary>
    public int HashSize => _kdf.HashSize;

    public Aead Aead { get; }

    /// <summary>The signature scheme of SignWithLabel and VerifyWithLabel.</summary>
    public SignatureScheme SignatureScheme { get; }

    /// <summary>The suite with this identifier, or null if Courier does not implement it.</summary>
    public static CipherSuite? Find(ushort id) => id switch
    {
        (ushort)CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 => Suite1,
        (ushort)CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256 => Suite2,
        (ushort)CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 => Suite3,
        (ushort)CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519 => XWing,
        _ => null,
    };

    public static CipherSuite Get(CipherSuiteId id) => Find((ushort)id) ?? throw new ArgumentOutOfRangeException(nameof(id));

    public byte[] Hash(ReadOnlySpan<byte> data) => _kdf.Hash(data);

    public byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new byte[HashSize];
        _kdf.Mac(key, data, mac);
        return mac;
    }

    /// <summary>KDF.Extract (HKDF-Extract with the suite's hash).</summary>
    public Secret Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm)
    {
        var prk = Secret.Zero(HashSize);
        _kdf.Extract(salt, ikm, prk.Writable);
        return prk;
    }

    /// <summary>KDF.Expand (HKDF-Expand with the suite's hash).</summary>
    public Secret Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length)
    {
        var okm = Secret.Zero(length);
        _kdf.Expand(prk, info, okm.Writable);
        return okm;
    }

    /// <summary>RFC 9420 §8: ExpandWithLabel(Secret, Label, Context, Length).</summary>
    public Secret ExpandWithLabel(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        // struct { uint16 length; opaque label<V>; opaque context<V>; } KDFLabel;
        var kdfLabel = new TlsWriter();
        kdfLabel.WriteUInt16(checked((ushort)length));
        WriteLabel(kdfLabel, label);
        kdfLabel.WriteOpaque(context);
        return Expand(secret, kdfLabel.Written, length);
    }

    /// <summary>RFC 9420 §8: DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", Nh).</summary>
    public Secret DeriveSecret(ReadOnlySpan<byte> secret, string label) => ExpandWithLabel(secret, label, default, HashSize);

    /// <summary>RFC 9420 §9: DeriveTreeSecret(Secret, Label, Generation, Length).</summary>
    public Secret DeriveTreeSecret(ReadOnlySpan<byte> secret, string label, uint generation, int length)
    {
        Span<byte> context = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(context, generation);
        return ExpandWithLabel(secret, label, context, length);
    }

    /// <summary>RFC 9420 §5.2: RefHash(label, value) = Hash(RefHashInput).</summary>
    public byte[] RefHash(string label, ReadOnlySpan<byte> value)
    {
        var input = new TlsWriter();
        input.WriteOpaque(Encoding.UTF8.GetBytes(label));
        input.WriteOpaque(value);
        return Hash(input.Written);
    }

    /// <summary>RFC 9420 §5.1.2: SignWithLabel(SignatureKey, Label, Content).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is of another signature scheme than the suite's.</exception>
    public byte[] SignWithLabel(SignaturePrivateKey key, string label, ReadOnlySpan<byte> content)
    {
        CheckSigner(key);
        return key.Sign(SignContent(label, content));
    }

    /// <summary>Refuses a signing key of another scheme than the suite's (an Ed25519 key in a P-256 group).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is of another signature scheme.</exception>
    public void CheckSigner(SignaturePrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Scheme != SignatureScheme)
        {
            throw new ArgumentException($"The signature key is {key.Scheme}; ciphersuite {Id} signs with {SignatureScheme}.", nameof(key));
        }
    }

    /// <summary>RFC 9420 §5.1.2: VerifyWithLabel(VerificationKey, Label, Content, SignatureValue).</summary>
    public bool VerifyWithLabel(ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature)
        => SignaturePrivateKey.Verify(SignatureScheme, publicKey, SignContent(label, content), signature);

    public override string ToString() => Id.ToString();

    private static byte[] SignContent(string label, ReadOnlySpan<byte> content)
    {
        // struct { opaque label<V>; opaque content<V>; } SignContent;
        var writer = new TlsWriter(content.Length + 64);
        WriteLabel(writer, label);
        writer.WriteOpaque(content);
        return writer.ToArray();
    }

    /// <summary>Writes <c>opaque label&lt;V&gt; = "MLS 1.0 " + Label</c>.</summary>
    internal static void WriteLabel(TlsWriter writer, string label)
    {
        var labelBytes = Encoding.UTF8.GetBytes(label);
        writer.WriteVarint(LabelPrefix.Length + labelBytes.Length);
        writer.WriteFixed(LabelPrefix);
        writer.WriteFixed(labelBytes);
    }
}
