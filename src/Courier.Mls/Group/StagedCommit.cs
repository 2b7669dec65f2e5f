namespace Courier.Mls.Group;

/// <summary>
/// A commit that <see cref="MlsGroup.Process"/> validated (RFC 9420 §12.4.2) but did not apply:
/// the group stays in <see cref="FromEpoch"/> until the caller passes it to
/// <see cref="MlsGroup.Merge"/>. The caller decides which commit of an epoch wins (in Courier, the
/// first valid one in the drop's order) and merges it in the same storage transaction that records
/// the decision. A staged commit that is not merged is dropped: the group may process another commit
/// of the same epoch. Once the group moves on, its other staged commits are wiped.
/// </summary>
public sealed class StagedCommit
{
    internal StagedCommit(MlsGroup group, ulong fromEpoch, uint? committer, IReadOnlyList<GroupMember> members, GroupEpoch? next, object? ownPending)
    {
        Group = group;
        FromEpoch = fromEpoch;
        Committer = committer;
        Members = members;
        Next = next;
        OwnPending = ownPending;
        RemovesThisMember = next is null && ownPending is null;
    }

    /// <summary>The epoch the commit leaves.</summary>
    public ulong FromEpoch { get; }

    /// <summary>The epoch the commit moves the group to.</summary>
    public ulong Epoch => FromEpoch + 1;

    /// <summary>The committer's leaf index, or null for an external commit (its joiner had no leaf yet).</summary>
    public uint? Committer { get; }

    /// <summary>True for this member's own pending commit, back from the delivery service.</summary>
    public bool IsOwnCommit => OwnPending is not null;

    /// <summary>True when the commit removes this member (§12.4.2): merging it ends its membership.</summary>
    public bool RemovesThisMember { get; }

    /// <summary>The members after the commit, in leaf order.</summary>
    public IReadOnlyList<GroupMember> Members { get; }

    internal MlsGroup Group { get; }

    /// <summary>The next epoch of another member's commit that does not remove this member; the staged commit owns it until it is merged.</summary>
    internal GroupEpoch? Next { get; private set; }

    /// <summary>This member's pending commit, which owns its own staged epoch.</summary>
    internal object? OwnPending { get; }

    /// <summary>True once merged or wiped: it may not be merged (again).</summary>
    internal bool IsSpent { get; private set; }

    /// <summary>Hands the next epoch to the group that merges it.</summary>
    internal GroupEpoch? Spend()
    {
        IsSpent = true;
        var next = Next;
        Next = null;
        return next;
    }

    /// <summary>Wipes the next epoch of a commit that was not merged.</summary>
    internal void Wipe()
    {
        if (IsSpent)
        {
            return;
        }

        IsSpent = true;
        Next?.Dispose();
        Next = null;
    }
}
