using Courier.Relay.Client;

namespace Courier.Node.Relay;

/// <summary>
/// One relay as the node uses it (docs/architecture.md): rendezvous nameplates for first contact,
/// and dead drops for everything after. It is the node's only relay boundary: contacts, cells and
/// introductions each use the calls they need, the node obtains relays only from
/// <see cref="NodeOptions.Relays"/>, and every implementation reports failures the same way.
/// </summary>
/// <remarks>
/// Error contract: a relay that cannot be reached or is overloaded right now (no connection, a
/// timeout, 429, 5xx) throws <see cref="RelayUnreachableException"/>, which callers may retry; an
/// unknown, expired, released or full nameplate throws <see cref="InvitationUnavailableException"/>;
/// joining a nameplate someone else joined throws <see cref="InterferenceException"/>;
/// any other refusal (an unknown drop, a bad signature, a size the relay does not store) throws
/// <see cref="RelayRejectedException"/>. Cancellation throws <see cref="OperationCanceledException"/>.
/// Implementations are safe for concurrent use. Envelopes are of <see cref="EnvelopeSizes"/>.
/// </remarks>
public interface IRelay
{
    /// <summary>The relay's URL (<c>http://host:port/</c>): contacts and cells remember it to know where their drops live.</summary>
    string Address { get; }

    /// <summary>Allocates a nameplate (a short number naming a small two-sided mailbox for a few minutes); the claim returned is the inviter's.</summary>
    Task<NameplateClaim> AllocateNameplateAsync(CancellationToken cancellationToken);

    /// <summary>Joins nameplate <paramref name="nameplate"/> as its acceptor; only the first join succeeds, later ones throw <see cref="InterferenceException"/>.</summary>
    Task<NameplateClaim> JoinNameplateAsync(int nameplate, CancellationToken cancellationToken);

    /// <summary>Posts one envelope as <paramref name="nameplate"/>'s side and returns its sequence number; the same <paramref name="messageId"/> again stores nothing new.</summary>
    Task<long> PostAsync(NameplateClaim nameplate, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken);

    /// <summary>The other side's envelopes after <paramref name="after"/>, in order, waiting up to <paramref name="wait"/> (at most a minute) when there are none, and whether a third party tried to join.</summary>
    Task<NameplateFetchResult> ReadAsync(NameplateClaim nameplate, long after, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Releases a nameplate (the inviter's claim): its envelopes are deleted and its number can no longer be used. Releasing twice is not an error.</summary>
    Task ReleaseAsync(NameplateClaim nameplate, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a dead drop readable with <paramref name="readKey"/> to which only holders of
    /// <paramref name="appendKey"/> may append; creating it again with the same keys is not an error.
    /// Nobody can trim it: its envelopes leave by the relay's retention (docs/relay-api.md).
    /// </summary>
    Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken);

    /// <summary>Appends one envelope, signed with the drop's <paramref name="appendKey"/>, and returns its sequence number once the relay stored it durably; the same <paramref name="messageId"/> again stores nothing new.</summary>
    Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken);

    /// <summary>
    /// The drop's envelopes after <paramref name="after"/>, in order, waiting up to <paramref name="wait"/>
    /// (at most a minute) when there are none, and the drop's last sequence number ever appended (so a
    /// reader tells "nothing new" from "deleted before I read it"). An <paramref name="after"/> beyond
    /// the last sequence number is <see cref="RelayRejectedException"/> with <c>out_of_range</c>.
    /// </summary>
    Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken);
}
