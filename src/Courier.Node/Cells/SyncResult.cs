namespace Courier.Node.Cells;

/// <summary>What one <see cref="CourierNode.SyncAsync"/> brought.</summary>
/// <param name="Received">New messages and completed files, in the order they arrived.</param>
/// <param name="RemovedFrom">Cells this node was removed from.</param>
/// <param name="Contacts">What the contacts' drops brought: introductions, and the cells this node was added to.</param>
/// <param name="Problems">One sentence per relay that could not be reached or refused; what waits to be sent stays in the outbox.</param>
public sealed record SyncResult(IReadOnlyList<InboxMessage> Received, IReadOnlyList<string> RemovedFrom, ReceiveResult Contacts, IReadOnlyList<string> Problems)
{
    /// <summary>One sentence per cell where something happened to this node's place in it: it fell behind (the relay deleted messages it had not read) and rejoined, or lost messages.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}
