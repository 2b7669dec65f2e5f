namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §8.4: names a pre-shared key. An external PSK carries <see cref="PskId"/>; a
/// resumption PSK carries <see cref="Usage"/>, <see cref="PskGroupId"/> and <see cref="PskEpoch"/>.
/// Both carry <see cref="PskNonce"/> (its length KDF.Nh is a validation rule, §12.1.4).
/// </summary>
internal sealed record PreSharedKeyID : ITlsEncodable
{
    private PreSharedKeyID(PSKType pskType, byte[]? pskId, ResumptionPSKUsage? usage, byte[]? pskGroupId, ulong? pskEpoch, byte[] pskNonce)
    {
        ArgumentNullException.ThrowIfNull(pskNonce);
        PskType = pskType;
        PskId = pskId;
        Usage = usage;
        PskGroupId = pskGroupId;
        PskEpoch = pskEpoch;
        PskNonce = pskNonce;
    }

    /// <summary>psktype.</summary>
    public PSKType PskType { get; }

    /// <summary><c>psk_id</c> of an external PSK; null otherwise.</summary>
    public byte[]? PskId { get; }

    /// <summary><c>usage</c> of a resumption PSK; null otherwise.</summary>
    public ResumptionPSKUsage? Usage { get; }

    /// <summary><c>psk_group_id</c> of a resumption PSK; null otherwise.</summary>
    public byte[]? PskGroupId { get; }

    /// <summary><c>psk_epoch</c> of a resumption PSK; null otherwise.</summary>
    public ulong? PskEpoch { get; }

    public byte[] PskNonce { get; }

    public static PreSharedKeyID External(byte[] pskId, byte[] pskNonce)
        => new(PSKType.External, pskId ?? throw new ArgumentNullException(nameof(pskId)), null, null, null, pskNonce);

    public static PreSharedKeyID Resumption(ResumptionPSKUsage usage, byte[] pskGroupId, ulong pskEpoch, byte[] pskNonce)
        => !Enum.IsDefined(usage) ? throw new ArgumentOutOfRangeException(nameof(usage)) : new(PSKType.Resumption, null, usage, pskGroupId ?? throw new ArgumentNullException(nameof(pskGroupId)), pskEpoch, pskNonce);

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)PskType);
        if (PskType == PSKType.External)
        {
            writer.WriteOpaque(PskId);
        }
        else
        {
            writer.WriteUInt8((byte)Usage!.Value);
            writer.WriteOpaque(PskGroupId);
            writer.WriteUInt64(PskEpoch!.Value);
        }

        writer.WriteOpaque(PskNonce);
    }

    public static PreSharedKeyID Decode(ref TlsReader reader) => reader.ReadPSKType() == PSKType.External
        ? External(reader.ReadOpaqueArray(), reader.ReadOpaqueArray())
        : Resumption(reader.ReadResumptionPSKUsage(), reader.ReadOpaqueArray(), reader.ReadUInt64(), reader.ReadOpaqueArray());

    public bool Equals(PreSharedKeyID? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
