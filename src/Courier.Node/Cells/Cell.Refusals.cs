using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// What keeps a drop from wedging a cell (docs/cells.md, "Drops that cannot wedge a cell"): an
/// append the relay refuses for good is set aside and said once instead of blocking the outbox; a
/// drop that is nearly full, or that refused a message, is left for a fresh one by an empty commit,
/// which the headroom below the relay's quota keeps open; junk in a drop is counted and said once.
/// </summary>
internal sealed partial class Cell
{
    /// <summary>
    /// The drop position from which members send no more messages to an epoch's drop but move to a
    /// fresh one: below the relay's default quota (10,000 envelopes, <c>--max-envelopes</c>), so the
    /// rest is left to commits, which therefore always get through honest members' traffic.
    /// </summary>
    public const long RotateAt = 8_000;

    private readonly List<string> _notices = [];
    private long _unopened;

    /// <summary>A notice of the cell named <paramref name="name"/> (its local name only), as the user reads it.</summary>
    public static string Said(string name, string notice) => $"Cell \"{name}\": {notice}";

    /// <summary>What this cell has to tell its user since the last call, each said once: refused messages set aside, junk skipped.</summary>
    public IReadOnlyList<string> TakeNotices()
    {
        if (_unopened > 0)
        {
            _notices.Add($"{_unopened} envelope(s) in the cell's drop were not sealed by a member (junk appended by a relay or someone else) and were skipped.");
            _unopened = 0;
        }

        var notices = _notices.ToList();
        _notices.Clear();
        return notices;
    }

    /// <summary>True when this member should move the cell to a fresh drop before sending more: the drop is nearly full, or refused a message.</summary>
    private bool NeedsFreshDrop => Group.IsActive && (_position >= RotateAt || _outbox.Any(e => e.Refused && e.Epoch == Group.Epoch));

    /// <summary>
    /// Sends an outbox entry to its drop. A permanent refusal sets it aside: stored as refused (so it
    /// is said once and never retried), kept in the outbox, and sent again in the cell's next epoch.
    /// </summary>
    private async Task SendEntryAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        // An entry from before write-authorized drops goes to a drop created without an append key,
        // where the relay checks no signature: any key does.
        using var appendKey = entry.AppendSeed.Length == DropAppendKey.Size ? DropAppendKey.Import(entry.AppendSeed) : DropAppendKey.Create();
        try
        {
            entry.Sequence = await AppendAsync(entry.Drop, appendKey, entry.Envelope!, entry.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (RelayRejectedException e)
        {
            entry.Refused = true;
            Write(new CellChange { Queued = [entry] });
            var notice = $"The relay refused a message for good ({e.Message}); it was set aside and goes out again in the cell's next epoch.";
            if (!_notices.Contains(notice))
            {
                _notices.Add(notice);
            }
        }
    }

    /// <summary>
    /// Moves the cell to a fresh drop with an empty commit when <see cref="NeedsFreshDrop"/>; the
    /// commit's read enters the new epoch and sends the set-aside entries again. One commit per call:
    /// when another member's commit wins, the cell has moved all the same; a relay that refuses the
    /// commit too fails this call once, and nothing loops.
    /// </summary>
    private async Task MoveToFreshDropIfNeededAsync(CancellationToken cancellationToken)
    {
        var epoch = Group.Epoch;
        if (!NeedsFreshDrop)
        {
            return;
        }

        try
        {
            await ChangeMembersAsync([], [], attempts: 1, cancellationToken).ConfigureAwait(false);
        }
        catch (CellBusyException) when (Group.Epoch != epoch)
        {
            // Another member's commit moved the cell to a fresh drop first.
        }
    }
}
