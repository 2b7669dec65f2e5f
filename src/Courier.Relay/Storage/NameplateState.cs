using Courier.Relay.Client;

namespace Courier.Relay.Storage;

/// <summary>
/// A live nameplate as the store keeps it: the two sides' open drops and the SHA-256 of each side's
/// claim. Each side appends to its own drop and reads the other's (docs/relay-api.md, "Nameplates").
/// </summary>
/// <param name="InviterSlot">The drop the inviter (who allocated the nameplate) appends to.</param>
/// <param name="AcceptorSlot">The drop the acceptor (who joined it) appends to.</param>
/// <param name="InviterClaim">SHA-256 of the inviter's claim.</param>
/// <param name="AcceptorClaim">SHA-256 of the acceptor's claim; empty until someone joined.</param>
/// <param name="Interfered">True once a second party tried to join.</param>
public sealed record NameplateState(DropName InviterSlot, DropName AcceptorSlot, ReadOnlyMemory<byte> InviterClaim, ReadOnlyMemory<byte> AcceptorClaim, bool Interfered);
