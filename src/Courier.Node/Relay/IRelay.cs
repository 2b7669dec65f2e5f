namespace Courier.Node.Relay;

/// <summary>
/// One relay as the node uses it: rendezvous nameplates for first contact and dead drops for
/// everything after. The real implementation is a thin adapter over the relay's typed HTTP client;
/// <see cref="InMemoryRelay"/> is the in-process one for tests and demos.
/// </summary>
/// <remarks>
/// Error contract for implementations: a transport failure (no connection, timeout, an answer that
/// is not the relay's) throws <see cref="RelayUnreachableException"/>; an unknown, expired, released
/// or full nameplate throws <see cref="InvitationUnavailableException"/>; any other refusal (an unknown
/// drop, a bad signature, a wrong envelope size) throws <see cref="RelayRejectedException"/>.
/// Cancellation throws <see cref="OperationCanceledException"/>. Implementations are safe for
/// concurrent use.
/// </remarks>
public interface IRelay : IRendezvous, IDeadDrops
{
    /// <summary>A stable name of the relay, such as its URL. Contacts remember it to know where their dead drops live.</summary>
    string Address { get; }
}
