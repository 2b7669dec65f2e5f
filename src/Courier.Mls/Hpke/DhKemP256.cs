using System.Security.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// DHKEM(P-256, HKDF-SHA256), KEM 0x0010 (RFC 9180 §7.1), on the BCL's ECDiffieHellman: public keys
/// and encapsulations are uncompressed SEC1 points (65 bytes), private keys 32-byte scalars. The BCL
/// validates every imported point (on the curve, not the point at infinity), which is the
/// validation §7.1.4 asks for; a refused point is a ValidationError or a failed Decap.
/// </summary>
internal sealed class DhKemP256 : DhKem
{
    /// <summary>The bitmask of DeriveKeyPair for P-256 (§7.1.3).</summary>
    private const byte Bitmask = 0xFF;

    internal DhKemP256()
        : base(0x0010, P256.PointSize)
    {
    }

    /// <inheritdoc/>
    public override bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
    {
        using var key = P256.TryImportDhPublic(publicKey);
        return key is not null;
    }

    /// <summary>
    /// The rejection sampling of §7.1.3: candidate = LabeledExpand(dkp_prk, "candidate", I2OSP(counter, 1), Nsk)
    /// with its first byte masked, until it is a scalar in [1, n-1]; DeriveKeyPairError after 256 tries.
    /// </summary>
    private protected override void DeriveSecretKey(ReadOnlySpan<byte> ikm, Span<byte> sk)
    {
        using var dkpPrk = Kdf.LabeledExtract(default, "dkp_prk"u8, ikm);
        Span<byte> counter = stackalloc byte[1];
        for (var i = 0; i <= byte.MaxValue; i++)
        {
            counter[0] = (byte)i;
            Kdf.LabeledExpand(dkpPrk.Span, "candidate"u8, counter, sk);
            sk[0] &= Bitmask;
            if (P256.IsValidScalar(sk))
            {
                return;
            }
        }

        // Happens with probability about 2^-8192: no input from a sound KDF reaches it.
        CryptographicOperations.ZeroMemory(sk);
        throw new CryptographicException("DeriveKeyPair found no P-256 scalar in 256 candidates.");
    }

    /// <inheritdoc/>
    internal override void PublicKeyOf(ReadOnlySpan<byte> sk, Span<byte> publicKey)
    {
        using var key = P256.ImportDh(sk);
        P256.ExportPoint(key, publicKey);
    }

    /// <summary>The x-coordinate of sk * pk (§7.1.1: Ndh = 32); false when pk is not a point on P-256.</summary>
    private protected override bool Dh(Span<byte> dh, ReadOnlySpan<byte> sk, ReadOnlySpan<byte> pk)
    {
        using var peer = P256.TryImportDhPublic(pk);
        if (peer is null)
        {
            return false;
        }

        using var own = P256.ImportDh(sk);
        using var peerKey = peer.PublicKey;
        var shared = own.DeriveRawSecretAgreement(peerKey);
        try
        {
            shared.CopyTo(dh);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }
}
