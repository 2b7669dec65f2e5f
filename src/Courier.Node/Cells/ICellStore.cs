using Courier.Mls.Group;

namespace Courier.Node.Cells;

/// <summary>
/// Where a <see cref="Cell"/> writes what changed, before its effect leaves the process: a ratchet
/// key spent on a message before the message goes to the relay, a commit before it is appended, a
/// new epoch and the messages read from a drop before the relay is asked for more. Each
/// <see cref="Write"/> is atomic; a crash leaves the cell exactly at one of them.
/// </summary>
internal interface ICellStore
{
    void Write(CellChange change);
}

/// <summary>One atomic change of a cell's stored state; what is null or empty did not change.</summary>
internal sealed class CellChange
{
    /// <summary>What changed in the MLS group's stored state (epoch state, ratchet records); the cell wipes it after the write.</summary>
    public GroupStateChanges? Group { get; init; }

    /// <summary>This member's external commit, about to leave, with the group it starts (stored until it is adopted or lost).</summary>
    public PendingRejoin? RejoinStarted { get; init; }

    /// <summary>The pending rejoin whose commit came first: its group replaces the stored one whole (the old one's records go), and it is no longer pending.</summary>
    public PendingRejoin? RejoinAdopted { get; init; }

    /// <summary>True when the pending rejoin lost to another commit: it is no longer pending.</summary>
    public bool RejoinLost { get; init; }

    /// <summary>The drop position, closed epochs, leaving members and rejoin secret, when they changed.</summary>
    public CellCursor? Cursor { get; init; }

    /// <summary>The epoch, this member's and the members' code names, when the epoch changed; <see cref="CellMembership.IsMember"/> false once removed.</summary>
    public CellMembership? Membership { get; init; }

    /// <summary>New outbox entries, or entries that changed (set aside after a refusal).</summary>
    public IReadOnlyList<OutboxEntry> Queued { get; init; } = [];

    /// <summary>Outbox entries whose place in their epoch's order is known, or that were sent again in a later epoch.</summary>
    public IReadOnlyList<OutboxEntry> Settled { get; init; } = [];

    /// <summary>What other members wrote, read from the drop in this change.</summary>
    public IReadOnlyList<CellMessage> Received { get; init; } = [];

    /// <summary>This member's commit, now pending: its Welcome, or an empty array when it adds nobody.</summary>
    public byte[]? CommitCreated { get; init; }

    /// <summary>What became of this member's pending commit: merged (true), or lost to another member's (false).</summary>
    public bool? CommitMerged { get; init; }
}

/// <summary>The members of a cell in an epoch, as a listing shows them.</summary>
internal sealed record CellMembership(bool IsMember, ulong Epoch, string CodeName, IReadOnlyList<string> Members);
