namespace Courier.Node.Cells;

/// <summary>A cell as this node knows it.</summary>
/// <param name="Name">The cell's name (local to this node).</param>
/// <param name="Layer">Its layer.</param>
/// <param name="Relay">The relay its drops live on.</param>
/// <param name="IsMember">False once this node left or was removed.</param>
/// <param name="CodeName">This member's code name in the cell (empty when no longer a member).</param>
/// <param name="Members">The members' code names (empty when no longer a member).</param>
/// <param name="Epoch">The MLS epoch.</param>
/// <param name="CipherSuite">The MLS ciphersuite: 0x0054 (X-Wing, post-quantum key exchange) for the cells this version creates, 1 for older ones.</param>
public sealed record CellSummary(string Name, string Layer, string Relay, bool IsMember, string CodeName, IReadOnlyList<string> Members, ulong Epoch, ushort CipherSuite)
{
    /// <summary>How long members keep the cell's messages (any member sets it: docs/panic.md); null when no one set one.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>The code name of the member who set <see cref="Retention"/>.</summary>
    public string? RetentionSetBy { get; init; }
}
