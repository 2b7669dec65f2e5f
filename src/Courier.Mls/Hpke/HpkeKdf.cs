using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// HKDF-SHA256 (KDF 0x0001) or HKDF-SHA512 (KDF 0x0003) with the labeled functions of RFC 9180 §4,
/// bound to one suite_id: "KEM" || kem_id inside the DHKEM (§4.1), "HPKE" || kem_id || kdf_id ||
/// aead_id elsewhere (§5.1).
/// </summary>
internal sealed class HpkeKdf
{
    private static ReadOnlySpan<byte> VersionLabel => "HPKE-v1"u8;

    private readonly Hkdf _hkdf;
    private readonly byte[] _suiteId;

    public HpkeKdf(Hkdf hkdf, ReadOnlySpan<byte> suiteId)
    {
        _hkdf = hkdf;
        _suiteId = suiteId.ToArray();
    }

    /// <summary>The KDF identifier (RFC 9180 §7.2).</summary>
    public ushort Id => _hkdf.HpkeId;

    /// <summary>Nh: the output size of Extract.</summary>
    public int HashSize => _hkdf.HashSize;

    /// <summary>The largest output of Expand: 255 * Nh (RFC 5869 §2.3, RFC 9180 §5.3).</summary>
    public int MaxExpandLength => _hkdf.MaxExpandLength;

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
        _hkdf.Extract(salt, labeledIkm.Span, prk.Writable);
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

        _hkdf.Expand(prk, labeledInfo, okm);
    }
}
