namespace Courier.Relay.Storage;

/// <summary>What an append did.</summary>
public enum AppendStatus
{
    /// <summary>Stored durably with a new sequence number.</summary>
    Appended,

    /// <summary>The message id was appended before; the original sequence number is returned.</summary>
    Duplicate,

    /// <summary>There is no such drop.</summary>
    NoSuchDrop,

    /// <summary>The drop holds its maximum number of envelopes.</summary>
    Full,
}
