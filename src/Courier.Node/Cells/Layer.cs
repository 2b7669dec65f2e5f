namespace Courier.Node.Cells;

/// <summary>A layer: cells that use only these relays. Nothing crosses to another layer but what a liaison forwards.</summary>
/// <param name="Name">The layer's name (local to this node).</param>
/// <param name="Relays">The relays its cells' drops live on.</param>
/// <param name="RequirePostQuantum">
/// Whether its cells must use the post-quantum ciphersuite 0x0054 (X-Wing): a KeyPackage or an
/// invitation of another suite is refused with <see cref="PostQuantumRequiredException"/>.
/// </param>
public sealed record Layer(string Name, IReadOnlyList<string> Relays, bool RequirePostQuantum = false);
