namespace Courier.Relay.Storage.Nats;

/// <summary>The JetStream API error codes (<c>err_code</c>) the store acts on.</summary>
internal static class JetStreamErrors
{
    /// <summary>A publish whose <c>Nats-Expected-Last-Msg-Id</c> is not the stream's last message id.</summary>
    public const int WrongLastMsgId = 10070;

    /// <summary>A publish whose <c>Nats-Expected-Last-Sequence</c> is not the stream's last sequence number.</summary>
    public const int WrongLastSequence = 10071;

    /// <summary>A message get that found no message.</summary>
    public const int NoMessageFound = 10037;
}
