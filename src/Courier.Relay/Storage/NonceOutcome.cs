namespace Courier.Relay.Storage;

/// <summary>What remembering a signed request's nonce did.</summary>
public enum NonceOutcome
{
    /// <summary>The nonce is new for this drop and is now remembered.</summary>
    Remembered,

    /// <summary>The drop saw this nonce before: the request is a replay.</summary>
    Replayed,

    /// <summary>The drop's window for this timestamp second is full; the caller may sign again shortly.</summary>
    Busy,
}
