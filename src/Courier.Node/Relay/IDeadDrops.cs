namespace Courier.Node.Relay;

/// <summary>
/// Dead drops (ARCHITECTURE.md): append-only mailboxes named by 32 random bytes. Anyone who knows a
/// name may append; only the holder of the drop's read key (an Ed25519 key whose public half was
/// given at creation) may fetch and trim. Envelopes are 1, 4, 16 or 64 KiB (<see cref="EnvelopeSizes"/>).
/// </summary>
public interface IDeadDrops
{
    /// <summary>Creates the drop <paramref name="name"/> readable by <paramref name="readKey"/>. Creating it again with the same key is not an error.</summary>
    Task CreateAsync(ReadOnlyMemory<byte> name, DeadDropReadKey readKey, CancellationToken cancellationToken);

    /// <summary>
    /// Appends one envelope and returns its sequence number once the relay stored it durably.
    /// Appending again with the same <paramref name="messageId"/> stores nothing new.
    /// </summary>
    Task<long> AppendAsync(ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> envelope, Guid messageId, CancellationToken cancellationToken);

    /// <summary>The envelopes after <paramref name="after"/>, waiting up to <paramref name="wait"/> (at most 60 seconds) when there are none.</summary>
    Task<IReadOnlyList<RelayEnvelope>> FetchAsync(ReadOnlyMemory<byte> name, DeadDropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Deletes the envelopes up to and including <paramref name="through"/>.</summary>
    Task TrimAsync(ReadOnlyMemory<byte> name, DeadDropReadKey readKey, long through, CancellationToken cancellationToken);
}
