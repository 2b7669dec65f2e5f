namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §6, §17.2: <c>uint16 WireFormat</c>, the kind of message an MLSMessage carries.</summary>
internal enum WireFormat : ushort
{
    MlsPublicMessage = 0x0001,
    MlsPrivateMessage = 0x0002,
    MlsWelcome = 0x0003,
    MlsGroupInfo = 0x0004,
    MlsKeyPackage = 0x0005,
}
