using Courier.Sodium;

namespace Courier.Mls.Hpke;

/// <summary>
/// DHKEM(X25519, HKDF-SHA256), KEM 0x0020 (RFC 9180 §7.1), on libsodium's X25519 directly: the
/// ephemeral key and the DH output live in the caller's wiped buffers, because NSec's key objects
/// (one guarded allocation each) cost more than the scalar multiplication.
/// </summary>
internal sealed class DhKemX25519 : DhKem
{
    /// <summary>Npk = Nenc: an X25519 public key is 32 bytes.</summary>
    private const int Npk = 32;

    internal DhKemX25519()
        : base(0x0020, Npk)
    {
    }

    /// <summary>Every 32-byte string is an X25519 public key; a low-order one is refused by the DH (§7.1.4).</summary>
    public override bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => publicKey.Length == Npk;

    /// <summary>sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", Nsk) (§7.1.3).</summary>
    private protected override void DeriveSecretKey(ReadOnlySpan<byte> ikm, Span<byte> sk)
    {
        using var dkpPrk = Kdf.LabeledExtract(default, "dkp_prk"u8, ikm);
        Kdf.LabeledExpand(dkpPrk.Span, "sk"u8, default, sk);
    }

    /// <summary>X25519(sk, 9); every 32-byte scalar is valid (RFC 7748 §5 clamps it).</summary>
    internal override void PublicKeyOf(ReadOnlySpan<byte> sk, Span<byte> publicKey) => LibSodium.X25519Base(publicKey, sk);

    /// <summary>libsodium refuses a low-order point and an all-zero output (§7.1.4) in constant time.</summary>
    private protected override bool Dh(Span<byte> dh, ReadOnlySpan<byte> sk, ReadOnlySpan<byte> pk) => LibSodium.X25519(dh, sk, pk);
}
