namespace Courier.Node;

/// <summary>A cell a contact invited this node to on a relay none of its layers uses, waiting for the user.</summary>
/// <param name="Id">What <see cref="CourierNode.JoinPendingCellAsync"/> takes (8 hex digits).</param>
/// <param name="Cell">The cell's name as the contact named it.</param>
/// <param name="From">The contact's code name.</param>
/// <param name="Relay">The relay the cell lives on: joining connects to it.</param>
public sealed record PendingCell(string Id, string Cell, string From, string Relay);
