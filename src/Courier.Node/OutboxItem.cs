namespace Courier.Node;

/// <summary>Something this node sent that waits to be delivered (<see cref="CourierNode.Outbox"/>).</summary>
/// <param name="Kind"><c>cell</c>: a message in a cell's outbox; <c>contact</c>: a pairwise message to a contact (an introduction, a KeyPackage); <c>welcome</c>: a cell's Welcome for a contact.</param>
/// <param name="Name">The cell's name, or the contact's code name, as this node knows them.</param>
/// <param name="State">
/// <c>unsettled</c>: a cell message not yet seen in its drop (it may have reached the relay); <c>set
/// aside</c>: refused by the relay for good, sent again in the cell's next epoch; <c>waiting</c>: not yet
/// taken by the relay (for a contact: their drop was deleted, or the relay was out of reach).
/// </param>
/// <param name="QueuedAt">When it was first queued; null where the node did not record it (Welcomes, cell messages queued by a version before outbox record 5).</param>
/// <param name="Epoch">For a cell message, the epoch it was protected in.</param>
public sealed record OutboxItem(string Kind, string Name, string State, DateTimeOffset? QueuedAt, ulong? Epoch);
