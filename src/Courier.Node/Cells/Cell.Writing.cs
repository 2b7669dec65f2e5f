using Courier.Mls.Group;

namespace Courier.Node.Cells;

/// <summary>What the cell writes to its store, and the one kind of write that may wait.</summary>
internal sealed partial class Cell
{
    /// <summary>
    /// A write that only records how far reading got and which of this member's messages the relay
    /// has ordered (nothing received, nothing of the group changed) waits for the cell's next write,
    /// or for <see cref="WriteDeferred"/> when the node closes: a send then costs one durable
    /// transaction, not two. Lost to a crash, it costs one reread of the drop and one re-append with
    /// the same message id, which the relay stores once; no message and no key depends on it.
    /// </summary>
    private CellChange? _deferred;

    /// <summary>Writes what waits (<see cref="_deferred"/>), if anything.</summary>
    public void WriteDeferred()
    {
        if (_deferred is { } deferred)
        {
            _store.Write(deferred);
            _deferred = null;
        }
    }

    /// <summary>What changed in the group since the last write: the epoch state when it changed, and the ratchet records.</summary>
    private GroupStateChanges SaveGroup() => Group.TakeChanges();

    /// <summary>Writes <paramref name="change"/> (with what waited), or keeps it for the next write, and wipes the group's changes it carried.</summary>
    private void Write(CellChange change)
    {
        try
        {
            if (IsBookkeeping(change))
            {
                _deferred = new CellChange { Cursor = change.Cursor ?? _deferred?.Cursor, Settled = [.. _deferred?.Settled ?? [], .. change.Settled] };
                return;
            }

            _store.Write(_deferred is null ? change : Merge(_deferred, change));
            _deferred = null;
        }
        finally
        {
            change.Group?.Dispose();
        }
    }

    private static bool IsBookkeeping(CellChange change)
        => change.Group is null or { IsEmpty: true } && change.RejoinStarted is null && change.RejoinAdopted is null && !change.RejoinLost
           && change.Membership is null && change.Queued.Count == 0
           && change.Received.Count == 0 && change.CommitCreated is null && change.CommitMerged is null;

    /// <summary><paramref name="later"/>, with the read position of <paramref name="earlier"/> when it has none, and both settlements.</summary>
    private static CellChange Merge(CellChange earlier, CellChange later) => new()
    {
        Group = later.Group,
        RejoinStarted = later.RejoinStarted,
        RejoinAdopted = later.RejoinAdopted,
        RejoinLost = later.RejoinLost,
        Cursor = later.Cursor ?? earlier.Cursor,
        Membership = later.Membership,
        Queued = later.Queued,
        Settled = [.. earlier.Settled, .. later.Settled],
        Received = later.Received,
        CommitCreated = later.CommitCreated,
        CommitMerged = later.CommitMerged,
    };

    private CellCursor Cursor() => new(_position, new Dictionary<ulong, long>(_closedAt), new HashSet<string>(_leaving, StringComparer.Ordinal)) { RejoinSecret = _rejoinSecret, RejoinCheckedAt = _rejoinCheckedAt, GapSince = _gapSince, PositionDigest = _positionDigest };

    private CellMembership Membership()
        => Group.IsActive ? new CellMembership(true, Group.Epoch, CodeName, Members) : new CellMembership(false, Group.Epoch, string.Empty, []);
}
