namespace Courier.Mls.Hpke;

/// <summary>
/// One HPKE configuration in base mode (RFC 9180 §5, mode_base only): DHKEM(X25519, HKDF-SHA256) or
/// DHKEM(P-256, HKDF-SHA256) with HKDF-SHA256 and AES-128-GCM, ChaCha20-Poly1305 or the export-only
/// AEAD; or X-Wing with HKDF-SHA512 and ChaCha20-Poly1305. Stateless; the per-message state lives
/// in the contexts it sets up.
/// </summary>
internal sealed class HpkeSuite
{
    /// <summary>The export-only AEAD identifier (RFC 9180 §7.3).</summary>
    public const ushort ExportOnlyAeadId = 0xFFFF;

    /// <summary>mode_base (RFC 9180 §5).</summary>
    private const byte ModeBase = 0x00;

    public static readonly HpkeSuite X25519Sha256Aes128Gcm = new(DhKem.X25519Sha256, Hkdf.Sha256, Crypto.Aead.Aes128Gcm);
    public static readonly HpkeSuite X25519Sha256ChaCha20Poly1305 = new(DhKem.X25519Sha256, Hkdf.Sha256, Crypto.Aead.ChaCha20Poly1305);
    public static readonly HpkeSuite X25519Sha256ExportOnly = new(DhKem.X25519Sha256, Hkdf.Sha256, null);
    public static readonly HpkeSuite P256Sha256Aes128Gcm = new(DhKem.P256Sha256, Hkdf.Sha256, Crypto.Aead.Aes128Gcm);
    public static readonly HpkeSuite P256Sha256ChaCha20Poly1305 = new(DhKem.P256Sha256, Hkdf.Sha256, Crypto.Aead.ChaCha20Poly1305);
    public static readonly HpkeSuite P256Sha256ExportOnly = new(DhKem.P256Sha256, Hkdf.Sha256, null);
    public static readonly HpkeSuite XWingSha512ChaCha20Poly1305 = new(XWingKem.Instance, Hkdf.Sha512, Crypto.Aead.ChaCha20Poly1305);

    private static readonly HpkeSuite[] All =
    [
        X25519Sha256Aes128Gcm, X25519Sha256ChaCha20Poly1305, X25519Sha256ExportOnly,
        P256Sha256Aes128Gcm, P256Sha256ChaCha20Poly1305, P256Sha256ExportOnly,
        XWingSha512ChaCha20Poly1305,
    ];

    // psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id) with the default (empty) psk_id of base mode.
    private readonly byte[] _pskIdHash;

    private HpkeSuite(Kem kem, Hkdf kdf, Aead? aead)
    {
        Kem = kem;
        Aead = aead;
        AeadId = aead?.Id ?? ExportOnlyAeadId;

        // suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2)) (RFC 9180 §5.1).
        Kdf = new HpkeKdf(kdf,
        [
            (byte)'H', (byte)'P', (byte)'K', (byte)'E',
            (byte)(kem.Id >> 8), (byte)(kem.Id & 0xFF),
            (byte)(kdf.HpkeId >> 8), (byte)(kdf.HpkeId & 0xFF),
            (byte)(AeadId >> 8), (byte)(AeadId & 0xFF),
        ]);
        using var pskIdHash = Kdf.LabeledExtract(default, "psk_id_hash"u8, default);
        _pskIdHash = pskIdHash.Export();
    }

    /// <summary>The KEM: DHKEM(X25519, HKDF-SHA256), DHKEM(P-256, HKDF-SHA256) or X-Wing.</summary>
    public Kem Kem { get; }

    /// <summary>The AEAD, or null for the export-only AEAD.</summary>
    public Aead? Aead { get; }

    /// <summary>The HPKE AEAD identifier (0xFFFF for export-only).</summary>
    public ushort AeadId { get; }

    /// <summary>The KDF with this suite's suite_id.</summary>
    internal HpkeKdf Kdf { get; }

    /// <summary>The configuration with these identifiers, or null if it is not implemented.</summary>
    public static HpkeSuite? Find(ushort kemId, ushort kdfId, ushort aeadId)
        => Array.Find(All, s => s.Kem.Id == kemId && s.Kdf.Id == kdfId && s.AeadId == aeadId);

    /// <summary>
    /// SetupBaseS(pkR, info) (RFC 9180 §5.1.1): the encapsulated key to send and the sender context.
    /// The caller disposes the context.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is not a valid public key (ValidationError).</exception>
    public (byte[] Enc, HpkeSenderContext Context) SetupBaseS(ReadOnlySpan<byte> pkR, ReadOnlySpan<byte> info, IRandom random)
        => SetupBaseS(pkR, KeyScheduleContext(info), random);

    /// <summary>The key_schedule_context of <paramref name="info"/>, for sealing to many recipients under it (<see cref="SealBasePrepared"/>).</summary>
    public HpkePreparedInfo PrepareInfo(ReadOnlySpan<byte> info) => new(this, KeyScheduleContext(info));

    /// <summary>
    /// SetupBaseR(enc, skR, info) (RFC 9180 §5.1.1): the receiver context, or null when
    /// <paramref name="enc"/> is not a valid encapsulated key (wrong size or not a valid public key).
    /// The caller disposes the context.
    /// </summary>
    public HpkeReceiverContext? SetupBaseR(ReadOnlySpan<byte> enc, HpkePrivateKey skR, ReadOnlySpan<byte> info)
    {
        using var sharedSecret = Kem.Decap(enc, skR);
        return sharedSecret is null ? null : new HpkeReceiverContext(this, KeySchedule(sharedSecret.Span, info));
    }

    /// <summary>SealBase(pkR, info, aad, pt) (RFC 9180 §6.1): a single message to <paramref name="pkR"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is not a valid public key (ValidationError).</exception>
    /// <exception cref="InvalidOperationException">The suite is export-only.</exception>
    public (byte[] Enc, byte[] Ciphertext) SealBase(ReadOnlySpan<byte> pkR, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext, IRandom random)
        => SealBasePrepared(pkR, PrepareInfo(info), aad, plaintext, random);

    /// <summary>SealBase(pkR, info, aad, pt) with the info of <see cref="PrepareInfo"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes, or <paramref name="info"/> is another suite's.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is not a valid public key (ValidationError).</exception>
    /// <exception cref="InvalidOperationException">The suite is export-only.</exception>
    public (byte[] Enc, byte[] Ciphertext) SealBasePrepared(ReadOnlySpan<byte> pkR, HpkePreparedInfo info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext, IRandom random)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Suite != this)
        {
            throw new ArgumentException("The info was prepared for another HPKE suite.", nameof(info));
        }

        RequireAead();
        var (enc, context) = SetupBaseS(pkR, info.KeyScheduleContext, random);
        using (context)
        {
            return (enc, context.Seal(aad, plaintext));
        }
    }

    /// <summary>
    /// OpenBase(enc, skR, info, aad, ct) (RFC 9180 §6.1): the plaintext, or null when
    /// <paramref name="enc"/> is invalid or authentication fails.
    /// </summary>
    /// <exception cref="InvalidOperationException">The suite is export-only.</exception>
    public byte[]? OpenBase(ReadOnlySpan<byte> enc, HpkePrivateKey skR, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        RequireAead();
        using var context = SetupBaseR(enc, skR, info);
        return context?.Open(aad, ciphertext);
    }

    private (byte[] Enc, HpkeSenderContext Context) SetupBaseS(ReadOnlySpan<byte> pkR, byte[] keyScheduleContext, IRandom random)
    {
        var (enc, sharedSecret) = Kem.Encap(pkR, random);
        using (sharedSecret)
        {
            return (enc, new HpkeSenderContext(this, KeyScheduleWithContext(sharedSecret.Span, keyScheduleContext)));
        }
    }

    /// <summary>key_schedule_context = concat(mode, psk_id_hash, info_hash) for mode_base (RFC 9180 §5.1).</summary>
    internal byte[] KeyScheduleContext(ReadOnlySpan<byte> info)
    {
        using var infoHash = Kdf.LabeledExtract(default, "info_hash"u8, info);
        var context = new byte[1 + _pskIdHash.Length + infoHash.Length];
        context[0] = ModeBase;
        _pskIdHash.CopyTo(context, 1);
        infoHash.Span.CopyTo(context.AsSpan(1 + _pskIdHash.Length));
        return context;
    }

    /// <summary>secret = LabeledExtract(shared_secret, "secret", psk) with the default (empty) psk of base mode.</summary>
    internal Secret ExtractSecret(ReadOnlySpan<byte> sharedSecret) => Kdf.LabeledExtract(sharedSecret, "secret"u8, default);

    /// <summary>
    /// KeySchedule(mode_base, shared_secret, info, default_psk, default_psk_id) (RFC 9180 §5.1).
    /// key and base_nonce are not derived for the export-only AEAD (§5.3).
    /// </summary>
    internal HpkeKeySchedule KeySchedule(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info)
        => KeyScheduleWithContext(sharedSecret, KeyScheduleContext(info));

    private HpkeKeySchedule KeyScheduleWithContext(ReadOnlySpan<byte> sharedSecret, byte[] context)
    {
        using var secret = ExtractSecret(sharedSecret);
        Secret? key = null;
        Secret? baseNonce = null;
        try
        {
            if (Aead is not null)
            {
                key = Kdf.LabeledExpand(secret.Span, "key"u8, context, Aead.KeySize);
                baseNonce = Kdf.LabeledExpand(secret.Span, "base_nonce"u8, context, Aead.NonceSize);
            }

            return new HpkeKeySchedule(key, baseNonce, Kdf.LabeledExpand(secret.Span, "exp"u8, context, Kdf.HashSize));
        }
        catch
        {
            key?.Dispose();
            baseNonce?.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"HPKE(0x{Kem.Id:X4}, 0x{Kdf.Id:X4}, 0x{AeadId:X4})";

    private void RequireAead()
    {
        if (Aead is null)
        {
            throw new InvalidOperationException("The export-only HPKE suite cannot seal or open.");
        }
    }
}
