using Courier.Relay.Client;

namespace Courier.Relay.Storage;

/// <summary>One envelope read back from a store.</summary>
/// <param name="Seq">Its sequence number in the drop.</param>
/// <param name="Data">The bytes as appended.</param>
public sealed record StoredEnvelope(long Seq, byte[] Data)
{
    /// <summary>
    /// The message id it was appended under, when the store reads it back (SQLite and memory; NATS
    /// keeps it only in the header of its dedupe window): a relay's export carries it, so the relay
    /// that imports the drop stores the sender's later append of the same id once.
    /// </summary>
    public MessageId? Id { get; init; }
}
