using Courier.Mls.Codec;

namespace Courier.Mls.KeySchedule;

/// <summary>
/// RFC 9420 §8.4 <c>PreSharedKeyID</c>: names one PSK injected into the key schedule, with the
/// fresh <c>psk_nonce</c> that makes each injection distinct. Equality compares the content.
/// </summary>
internal sealed class PreSharedKeyId : ITlsEncodable, IEquatable<PreSharedKeyId>
{
    private PreSharedKeyId(PskType pskType, byte[] pskId, ResumptionPskUsage usage, byte[] pskGroupId, ulong pskEpoch, byte[] pskNonce)
    {
        PskType = pskType;
        PskId = pskId;
        Usage = usage;
        PskGroupId = pskGroupId;
        PskEpoch = pskEpoch;
        PskNonce = pskNonce;
    }

    /// <summary>Whether the PSK is external or a resumption PSK.</summary>
    public PskType PskType { get; }

    /// <summary><c>psk_id</c> of an external PSK; empty for a resumption PSK.</summary>
    public byte[] PskId { get; }

    /// <summary><c>usage</c> of a resumption PSK; 0 for an external PSK.</summary>
    public ResumptionPskUsage Usage { get; }

    /// <summary><c>psk_group_id</c> of a resumption PSK; empty for an external PSK.</summary>
    public byte[] PskGroupId { get; }

    /// <summary><c>psk_epoch</c> of a resumption PSK; 0 for an external PSK.</summary>
    public ulong PskEpoch { get; }

    /// <summary><c>psk_nonce</c>: KDF.Nh fresh random bytes chosen by whoever injects the PSK.</summary>
    public byte[] PskNonce { get; }

    /// <summary>An external PSK known to the application as <paramref name="pskId"/>.</summary>
    public static PreSharedKeyId External(byte[] pskId, byte[] pskNonce)
    {
        ArgumentNullException.ThrowIfNull(pskId);
        ArgumentNullException.ThrowIfNull(pskNonce);
        return new PreSharedKeyId(PskType.External, pskId, 0, [], 0, pskNonce);
    }

    /// <summary>The <c>resumption_psk</c> of epoch <paramref name="pskEpoch"/> of group <paramref name="pskGroupId"/>.</summary>
    public static PreSharedKeyId Resumption(ResumptionPskUsage usage, byte[] pskGroupId, ulong pskEpoch, byte[] pskNonce)
    {
        ArgumentNullException.ThrowIfNull(pskGroupId);
        ArgumentNullException.ThrowIfNull(pskNonce);
        if (usage is not (ResumptionPskUsage.Application or ResumptionPskUsage.Reinit or ResumptionPskUsage.Branch))
        {
            throw new ArgumentOutOfRangeException(nameof(usage));
        }

        return new PreSharedKeyId(PskType.Resumption, [], usage, pskGroupId, pskEpoch, pskNonce);
    }

    /// <inheritdoc/>
    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)PskType);
        if (PskType == PskType.External)
        {
            writer.WriteOpaque(PskId);
        }
        else
        {
            writer.WriteUInt8((byte)Usage);
            writer.WriteOpaque(PskGroupId);
            writer.WriteUInt64(PskEpoch);
        }

        writer.WriteOpaque(PskNonce);
    }

    /// <summary>Reads a PreSharedKeyID; reserved or unknown types and usages are <see cref="DecodeError.InvalidValue"/>.</summary>
    public static PreSharedKeyId Decode(ref TlsReader reader)
    {
        switch ((PskType)reader.ReadUInt8())
        {
            case PskType.External:
                var pskId = reader.ReadOpaqueArray();
                return External(pskId, reader.ReadOpaqueArray());
            case PskType.Resumption:
                var usage = (ResumptionPskUsage)reader.ReadUInt8();
                if (usage is not (ResumptionPskUsage.Application or ResumptionPskUsage.Reinit or ResumptionPskUsage.Branch))
                {
                    throw reader.Error(DecodeError.InvalidValue);
                }

                var groupId = reader.ReadOpaqueArray();
                var epoch = reader.ReadUInt64();
                return Resumption(usage, groupId, epoch, reader.ReadOpaqueArray());
            default:
                throw reader.Error(DecodeError.InvalidValue);
        }
    }

    /// <inheritdoc/>
    public bool Equals(PreSharedKeyId? other)
        => other is not null
        && PskType == other.PskType
        && Usage == other.Usage
        && PskEpoch == other.PskEpoch
        && PskId.AsSpan().SequenceEqual(other.PskId)
        && PskGroupId.AsSpan().SequenceEqual(other.PskGroupId)
        && PskNonce.AsSpan().SequenceEqual(other.PskNonce);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PreSharedKeyId);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(PskType, Usage, PskEpoch, PskId.Length, PskGroupId.Length, PskNonce.Length);
}
