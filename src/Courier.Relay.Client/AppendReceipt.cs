namespace Courier.Relay.Client;

/// <summary>The relay's acknowledgement of a durable append.</summary>
/// <param name="Seq">The envelope's sequence number in the drop's log.</param>
/// <param name="Duplicate">True when the message id had been appended before; nothing new was stored.</param>
public sealed record AppendReceipt(long Seq, bool Duplicate);
