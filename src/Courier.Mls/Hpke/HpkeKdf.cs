using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// HKDF-SHA256 (KDF 0x0001) with the labeled functions of RFC 9180 §4, bound to one suite_id:
/// "KEM" || kem_id inside the DHKEM (§4.1), "HPKE" || kem_id || kdf_id || aead_id elsewhere (§5.1).
/// </summary>
internal sealed class HpkeKdf
{
    /// <summary>KDF identifier of HKDF-SHA256 (RFC 9180 §7.2).</summary>
    public const ushort Id = 0x0001;

    /// <summary>Nh: the output size of Extract.</summary>
    public const int HashSize = 32;

    /// <summary>The largest output of Expand: 255 * Nh (RFC 5869 §2.3, RFC 9180 §5.3).</summary>
    public const int MaxExpandLength = 255 * HashSize;

    private static ReadOnlySpan<byte> VersionLabel => "HPKE-v1"u8;

    private readonly byte[] _suiteId;

    public HpkeKdf(ReadOnlySpan<byte> suiteId) => _suiteId = suiteId.ToArray();

    /// <summary>
    /// LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm).
    /// The concatenation holds the (secret) ikm, so it lives in a wiped buffer.
    /// </summary>
    public Secret LabeledExtract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> label, ReadOnlySpan<byte> ikm)
    {
        using var labeledIkm = Secret.Zero(VersionLabel.Length + _suiteId.Length + label.Length + ikm.Length);
        var span = labeledIkm.Writable;
        VersionLabel.CopyTo(span);
        _suiteId.CopyTo(span[VersionLabel.Length..]);
        label.CopyTo(span[(VersionLabel.Length + _suiteId.Length)..]);
        ikm.CopyTo(span[(VersionLabel.Length + _suiteId.Length + label.Length)..]);

        var prk = Secret.Zero(HashSize);
        HkdfSha256.Extract(salt, labeledIkm.Span, prk.Writable);
        return prk;
    }

    /// <summary>
    /// LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L),
    /// for 1 &lt;= L &lt;= 255 * Nh.
    /// </summary>
    public Secret LabeledExpand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxExpandLength);
        var okm = Secret.Zero(length);
        LabeledExpand(prk, label, info, okm.Writable);
        return okm;
    }

    /// <summary>LabeledExpand(prk, label, info, L) into <paramref name="okm"/>, L being its length.</summary>
    public void LabeledExpand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, Span<byte> okm)
    {
        var length = okm.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1, nameof(okm));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxExpandLength, nameof(okm));

        // labeled_info holds only public values (labels, contexts, the KEM context); no wipe needed.
        var labeledInfo = new byte[2 + VersionLabel.Length + _suiteId.Length + label.Length + info.Length];
        BinaryPrimitives.WriteUInt16BigEndian(labeledInfo, (ushort)length);
        VersionLabel.CopyTo(labeledInfo.AsSpan(2));
        _suiteId.CopyTo(labeledInfo.AsSpan(2 + VersionLabel.Length));
        label.CopyTo(labeledInfo.AsSpan(2 + VersionLabel.Length + _suiteId.Length));
        info.CopyTo(labeledInfo.AsSpan(2 + VersionLabel.Length + _suiteId.Length + label.Length));

        HkdfSha256.Expand(prk, labeledInfo, okm);
    }
}
