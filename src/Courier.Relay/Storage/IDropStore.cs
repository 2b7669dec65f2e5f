using Courier.Relay.Client;

namespace Courier.Relay.Storage;

/// <summary>
/// Where a relay keeps dead drops, their ordered envelope logs, nameplates and the replay windows of
/// signed requests. The relay talks only to this interface; it never knows which store is in use.
/// Every method that acknowledges a write returns only once the write is durable (nonces: see
/// <see cref="TryRememberNonceAsync"/>).
/// </summary>
public interface IDropStore : IAsyncDisposable
{
    /// <summary>A short name of the store kind for /healthz and metrics ("sqlite", "nats", "memory").</summary>
    string Kind { get; }

    /// <summary>Creates a drop with the keys <paramref name="readKey"/> (<see cref="DropState.Keys"/>: the raw Ed25519 read key, then the append key if any), kept as one opaque value.</summary>
    Task<CreateDropOutcome> CreateDropAsync(DropName drop, ReadOnlyMemory<byte> readKey, CancellationToken cancellationToken);

    /// <summary>The drop's keys and log position, or null when there is no such drop.</summary>
    Task<DropState?> GetDropAsync(DropName drop, CancellationToken cancellationToken);

    /// <summary>
    /// The drop's keys alone (<see cref="DropState.Keys"/>), or null when there is no such drop: what
    /// an append needs, without the log position, which costs NATS a JetStream request per call.
    /// </summary>
    Task<ReadOnlyMemory<byte>?> GetDropKeysAsync(DropName drop, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="drop"/> is in use now (an append, or a signed fetch or trim), so it
    /// is not deleted as idle; false when there is no such keyed drop. A store writes this at most once
    /// per <see cref="DropStoreOptions.UseGranularity"/> per drop and otherwise answers without I/O.
    /// </summary>
    Task<bool> TouchDropAsync(DropName drop, CancellationToken cancellationToken);

    /// <summary>
    /// Appends one envelope with the next sequence number, durably. An id appended before (within
    /// the store's dedupe window) returns the original sequence number and stores nothing.
    /// </summary>
    /// <param name="drop">The drop.</param>
    /// <param name="messageId">The client's id of this append.</param>
    /// <param name="envelope">The envelope bytes (already checked against the padding buckets).</param>
    /// <param name="maxEnvelopes">Refuse the append when the drop already holds this many envelopes.</param>
    /// <param name="cancellationToken">Cancels waiting; the append may still complete.</param>
    Task<AppendOutcome> AppendAsync(DropName drop, MessageId messageId, ReadOnlyMemory<byte> envelope, int maxEnvelopes, CancellationToken cancellationToken);

    /// <summary>Envelopes with sequence numbers after <paramref name="after"/>, in order, at most <paramref name="maxCount"/> and about <paramref name="maxBytes"/> (always at least one if any).</summary>
    Task<IReadOnlyList<StoredEnvelope>> ReadAsync(DropName drop, long after, int maxCount, int maxBytes, CancellationToken cancellationToken);

    /// <summary>Deletes the envelopes with sequence numbers up to and including <paramref name="through"/>.</summary>
    Task TrimAsync(DropName drop, long through, CancellationToken cancellationToken);

    /// <summary>Completes when the drop's last sequence number exceeds <paramref name="after"/>, or after <paramref name="timeout"/>.</summary>
    Task WaitForAppendAsync(DropName drop, long after, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Claims nameplate <paramref name="number"/> if it is free or expired, creating the two open
    /// drops of <paramref name="nameplate"/> (not yet joined), which live until <paramref name="expires"/>.
    /// </summary>
    Task<bool> TryClaimNameplateAsync(int number, NameplateState nameplate, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>A live nameplate, or null when it is free or expired.</summary>
    Task<NameplateState?> GetNameplateAsync(int number, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="acceptorClaim"/> (a SHA-256) the acceptor's of a live nameplate if no one
    /// joined it yet; otherwise marks the nameplate interfered.
    /// </summary>
    Task<JoinOutcome> TryJoinNameplateAsync(int number, ReadOnlyMemory<byte> acceptorClaim, CancellationToken cancellationToken);

    /// <summary>Frees a nameplate and deletes both sides' envelopes; false when it was not claimed.</summary>
    Task<bool> ReleaseNameplateAsync(int number, CancellationToken cancellationToken);

    /// <summary>
    /// Records the nonce of a verified request for <paramref name="drop"/> signed at Unix second
    /// <paramref name="signedAt"/>, until <paramref name="expires"/>: a replay when the drop saw it
    /// before, busy when the nonce's part of the drop's window for that second is full
    /// (<see cref="ReplayWindow"/>). Windows are kept per drop and second, stored (kept across
    /// restarts and crashes of the process; SQLite fsyncs them with its next durable write, see
    /// docs/relay-api.md) and shared by all relays of a cluster, so one key holder's requests never
    /// fill another drop's window.
    /// </summary>
    Task<NonceOutcome> TryRememberNonceAsync(DropName drop, ReadOnlyMemory<byte> nonce, long signedAt, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes envelopes older than the retention period, expired nameplates and expired nonce windows,
    /// and keyed drops that hold no envelope and were idle (not created or touched) for the retention
    /// period, with their read keys;
    /// returns how many envelopes went.
    /// </summary>
    Task<long> SweepAsync(CancellationToken cancellationToken);

    /// <summary>How many keyed drops exist (for metrics): a maintained count, never a scan per call.</summary>
    Task<long> CountDropsAsync(CancellationToken cancellationToken);
}
