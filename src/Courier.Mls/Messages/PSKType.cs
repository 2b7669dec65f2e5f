namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §8.4: <c>enum { reserved(0), external(1), resumption(2), (255) } PSKType</c>.</summary>
internal enum PSKType : byte
{
    External = 1,
    Resumption = 2,
}
