namespace Courier.Node;

/// <summary>What one <see cref="CourierNode.ReceiveAsync"/> did.</summary>
/// <param name="Added">Contacts added from completed introductions, each marked with its introducer.</param>
/// <param name="PendingIntroductions">Introductions accepted and answered, still waiting for the other party.</param>
/// <param name="Rejected">One sentence per envelope or introduction that was refused (forged, altered, expired), for the user.</param>
/// <param name="JoinedCells">Cells a contact added this node to (their Welcomes came through the pairwise drops).</param>
public sealed record ReceiveResult(IReadOnlyList<Contact> Added, int PendingIntroductions, IReadOnlyList<string> Rejected, IReadOnlyList<string> JoinedCells)
{
    /// <summary>
    /// One sentence per cell a contact invited this node to on a relay none of its layers uses: the
    /// node does not connect to it until the user joins (<see cref="CourierNode.JoinPendingCellAsync"/>).
    /// Said once, when the invitation arrives.
    /// </summary>
    public IReadOnlyList<string> WaitingCells { get; init; } = [];

    /// <summary>
    /// What the user should know, one sentence each: a contact's drop to this node that the relay had
    /// deleted (it stayed unread past the relay's retention) and that was created again, what was in it
    /// lost; a message to a contact that waits because the relay deleted their drop; a message that
    /// waited and was delivered.
    /// </summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}
