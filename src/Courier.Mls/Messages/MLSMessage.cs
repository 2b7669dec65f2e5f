namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §6: the unit sent over the wire, version mls10. Exactly one of the five message
/// properties is set, the one <see cref="WireFormat"/> selects.
/// </summary>
internal sealed record MLSMessage : ITlsEncodable
{
    private readonly ITlsEncodable _message;

    private MLSMessage(WireFormat wireFormat, ITlsEncodable message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WireFormat = wireFormat;
        _message = message;
    }

    public MLSMessage(PublicMessage publicMessage)
        : this(WireFormat.MlsPublicMessage, publicMessage)
    {
    }

    public MLSMessage(PrivateMessage privateMessage)
        : this(WireFormat.MlsPrivateMessage, privateMessage)
    {
    }

    public MLSMessage(Welcome welcome)
        : this(WireFormat.MlsWelcome, welcome)
    {
    }

    public MLSMessage(GroupInfo groupInfo)
        : this(WireFormat.MlsGroupInfo, groupInfo)
    {
    }

    public MLSMessage(KeyPackage keyPackage)
        : this(WireFormat.MlsKeyPackage, keyPackage)
    {
    }

    public WireFormat WireFormat { get; }

    public PublicMessage? PublicMessage => _message as PublicMessage;

    public PrivateMessage? PrivateMessage => _message as PrivateMessage;

    public Welcome? Welcome => _message as Welcome;

    public GroupInfo? GroupInfo => _message as GroupInfo;

    public KeyPackage? KeyPackage => _message as KeyPackage;

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(GroupContext.Mls10);
        writer.WriteUInt16((ushort)WireFormat);
        _message.Encode(writer);
    }

    public static MLSMessage Decode(ref TlsReader reader)
    {
        if (reader.ReadUInt16() != GroupContext.Mls10)
        {
            throw reader.Error(DecodeError.InvalidValue);
        }

        return reader.ReadWireFormat() switch
        {
            WireFormat.MlsPublicMessage => new MLSMessage(PublicMessage.Decode(ref reader)),
            WireFormat.MlsPrivateMessage => new MLSMessage(PrivateMessage.Decode(ref reader)),
            WireFormat.MlsWelcome => new MLSMessage(Welcome.Decode(ref reader)),
            WireFormat.MlsGroupInfo => new MLSMessage(GroupInfo.Decode(ref reader)),
            _ => new MLSMessage(KeyPackage.Decode(ref reader)),
        };
    }

    /// <summary>Decodes a whole byte string as one MLSMessage; trailing bytes are an error.</summary>
    public static MLSMessage FromBytes(ReadOnlySpan<byte> data) => TlsReader.Decode(data, nameof(MLSMessage), Decode);

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(MLSMessage? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
