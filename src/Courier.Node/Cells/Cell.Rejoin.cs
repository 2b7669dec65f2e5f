using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Group;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// Falling behind and rejoining (docs/cells.md): a relay deletes envelopes after its retention
/// period whether read or not, so a member away longer than that can find holes in its drop or miss
/// the commit that closed its epoch. It tells the gap from the relay's answer, says so in plain
/// words, and rejoins by external commit (RFC 9420 §12.4.3.2) from the GroupInfo the cell keeps,
/// sealed, in its rejoin drop (<see cref="CellRejoin"/>).
/// </summary>
internal sealed partial class Cell
{
    private const string LostDeleted = "The relay deleted messages of this cell before this node read them (it keeps them only so long, and this node was away longer); they are lost to it.";

    private const string LostRestarted = "The relay deleted messages of this cell (it keeps them only so long); some may not have reached this node.";

    private const string Rejoined = "This node was away longer than the relay keeps messages and fell behind; it rejoined the cell. Messages sent while it was away are lost to it; what it had not yet delivered was sent again.";

    public const string NoWayBack = "This node found no way back into the cell: the relay holds none of the information members leave for rejoining. If the cell changed while this node was away, this node cannot follow it on its own; ask a member to remove you and add you again.";

    private readonly List<string> _gapNotices = [];
    private byte[] _rejoinSecret;
    private long _rejoinCheckedAt;
    private long _gapSince;

    /// <summary>Envelopes after this member's position were deleted unread since the gap (not a restarted numbering, which every member may see): it may have missed a commit.</summary>
    private bool _missedEnvelopes;

    /// <summary>What the relay did to this member's view of the cell.</summary>
    private enum DropGap
    {
        None,

        /// <summary>Envelopes after the position are gone (retention).</summary>
        Deleted,

        /// <summary>The drop's numbering restarted (a NATS relay whose drop expired whole, or a relay that lost the drop): the position means nothing any more.</summary>
        Restarted,
    }

    /// <summary>What happened to this member's place in the cell since the last call, in plain words (falling behind, rejoining).</summary>
    public List<string> TakeGapNotices()
    {
        var taken = _gapNotices.ToList();
        _gapNotices.Clear();
        return taken;
    }

    /// <summary>
    /// One batch of the current drop, and whether envelopes this member had not read are gone: the
    /// first one returned is not the next in the numbering, or none is returned though the drop's last
    /// is beyond the position, or the relay no longer knows the position (<c>out_of_range</c>) or the
    /// drop. A read that does not wait also asks for the envelope at the position and compares it with
    /// the one read there: another envelope in its place, or a last below the position, means the
    /// drop's numbering restarted (a NATS relay whose drop expired whole) even when it has since grown
    /// past the position. A drop the relay does not know while nothing was read from it yet (its
    /// committer failed before creating it) is created, once.
    /// </summary>
    private async Task<(IReadOnlyList<FetchedEnvelope> Envelopes, DropGap Gap, long Last)> FetchBatchAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var (drop, position, seen) = (_drop!, _position, _positionDigest);

        // Not while long-polling: the envelope at the position is always there, so the poll would return at once.
        var verify = position > 0 && seen.Length > 0 && wait == TimeSpan.Zero;
        var after = verify ? position - 1 : position;
        Task<FetchResult> Fetch() => RelayRetry.RunAsync(() => _relay.FetchAsync(drop.Name, drop.ReadKey, after, wait, cancellationToken), _settings.RetryFor, _settings.Time, cancellationToken);
        FetchResult result;
        try
        {
            result = await Fetch().ConfigureAwait(false);
        }
        catch (RelayRejectedException e) when (e.RelayError == "out_of_range")
        {
            return ([], DropGap.Restarted, 0);
        }
        catch (RelayRejectedException e) when (position > 0 && e.RelayError == "no_such_drop")
        {
            // The relay lost the drop with what it held: it starts again, empty.
            await CreateDropAsync(drop, cancellationToken).ConfigureAwait(false);
            return ([], DropGap.Restarted, 0);
        }
        catch (RelayRejectedException)
        {
            await CreateDropAsync(drop, cancellationToken).ConfigureAwait(false);
            result = await Fetch().ConfigureAwait(false);
        }

        var envelopes = result.Envelopes;
        if (verify)
        {
            if (result.Last < position
                || (envelopes.Count > 0 && envelopes[0].Seq == position && !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(CellCursor.DigestOf(envelopes[0].Data), seen)))
            {
                return ([], DropGap.Restarted, 0);
            }

            envelopes = envelopes.Where(e => e.Seq > position).ToList();
            if (envelopes.Count == 0 && result.Last > position && result.Envelopes.Count > 0)
            {
                // The page held only the envelope at the position (a page of one large envelope, as
                // through a mix): the position is verified, and what follows is read from it.
                after = position;
                result = await Fetch().ConfigureAwait(false);
                envelopes = result.Envelopes;
            }
        }

        var gap = (envelopes.Count > 0 && envelopes[0].Seq > position + 1) || (envelopes.Count == 0 && result.Last > position);
        return (envelopes, gap ? DropGap.Deleted : DropGap.None, result.Last);
    }

    /// <summary>
    /// After a gap: moves past the hole and says what was lost. As the cell may have moved on without
    /// this member, the rejoin drop is checked on every sync until a day has passed (members put a
    /// deleted record back within a day; <see cref="CheckRejoinDropAsync"/>).
    /// </summary>
    private void NoteGap(DropGap gap, long skipTo)
    {
        _positionDigest = skipTo == _position && gap != DropGap.Restarted ? _positionDigest : [];
        _position = gap == DropGap.Restarted ? 0 : Math.Max(_position, skipTo);
        _gapSince = _gapSince != 0 ? _gapSince : Math.Max(1, _settings.Time.GetUtcNow().ToUnixTimeSeconds());
        Write(new CellChange { Cursor = Cursor() });
        _gapNotices.Add(gap == DropGap.Restarted ? LostRestarted : LostDeleted);
        _missedEnvelopes |= gap == DropGap.Deleted;
    }

    /// <summary>The current period's rejoin drop of this member's rejoin secret (tests of what a removed member can still reach).</summary>
    internal CellDrop CurrentRejoinDrop() => CellRejoin.DropOf(_rejoinSecret, CellRejoin.PeriodOf(_settings.Time.GetUtcNow(), _settings.RejoinPeriod));

    /// <summary>
    /// Once per <see cref="CellSettings.RejoinCheck"/>, and on every sync for as long after a gap:
    /// makes sure the rejoin drop holds this epoch's GroupInfo (the relay's retention deletes it like
    /// any envelope) and puts it back if not; and if the rejoin drop shows a later epoch that reading
    /// the drop does not reach, the commit that closed this member's epoch is missing, and it rejoins.
    /// </summary>
    private async Task CheckRejoinDropAsync(List<CellMessage> received, CancellationToken cancellationToken)
    {
        var now = _settings.Time.GetUtcNow().ToUnixTimeSeconds();
        var interval = (long)_settings.RejoinCheck.TotalSeconds;
        if (!Group.IsActive || (_gapSince == 0 && now - _rejoinCheckedAt < interval))
        {
            return;
        }

        var (newest, current) = await ReadRejoinDropsAsync(cancellationToken).ConfigureAwait(false);
        var found = newest is not null;
        try
        {
            if (newest is not null && newest.Epoch > Group.Epoch)
            {
                // Its commit may have arrived since this sync read the drop.
                await FetchAsync(TimeSpan.Zero, received, cancellationToken).ConfigureAwait(false);
                if (Group.IsActive && newest.Epoch > Group.Epoch)
                {
                    await RejoinAsync(newest, cancellationToken).ConfigureAwait(false);

                    // One sentence says it all: what was lost, and that it rejoined.
                    _gapNotices.RemoveAll(n => n is LostDeleted or LostRestarted);
                    _gapNotices.Add(Rejoined);
                    _gapSince = 0;
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            else if (newest is null ? !_missedEnvelopes : newest.Epoch < Group.Epoch || !current)
            {
                // This period's drop gets the record (once, by the first member to check). Not from a
                // member that found none after envelopes of its epoch were deleted unread: its epoch
                // may be one the cell left, and a member still in it puts the record back within a day.
                found = await PublishGroupInfoAsync(cancellationToken).ConfigureAwait(false) || found;
            }
        }
        finally
        {
            newest?.Dispose();
        }

        // A day after the gap every member has checked: a later epoch would be in the rejoin drop by
        // now. If it still holds no record, nor could this member leave one (too large, docs/cells.md), say so once.
        if (_gapSince != 0 && now - _gapSince >= interval && !found)
        {
            _gapNotices.Add(NoWayBack);
            _lostWay = true;
            AwaitingReAdd = true;
        }

        _gapSince = _gapSince != 0 && now - _gapSince < interval ? _gapSince : 0;
        _missedEnvelopes = _missedEnvelopes && _gapSince != 0;
        _rejoinCheckedAt = now;
        Write(new CellChange { Cursor = Cursor() });
    }

    /// <summary>
    /// The record of the latest epoch in the rejoin drops, newest period first, back at most
    /// <see cref="CellRejoin.Lookback"/> periods (the first period holding a record holds the latest:
    /// epochs only grow, and every member reads this way); null when none holds a record this member
    /// can open. <c>Current</c>: it was found in this period's drop.
    /// </summary>
    private async Task<(RejoinRecord? Newest, bool Current)> ReadRejoinDropsAsync(CancellationToken cancellationToken)
    {
        var now = CellRejoin.PeriodOf(_settings.Time.GetUtcNow(), _settings.RejoinPeriod);
        for (var period = now; period > now - CellRejoin.Lookback; period--)
        {
            if (await ReadRejoinDropAsync(period, cancellationToken).ConfigureAwait(false) is { } newest)
            {
                return (newest, period == now);
            }
        }

        return (null, false);
    }

    /// <summary>The record of the latest epoch in one period's rejoin drop, or null when it holds none this member can open.</summary>
    private async Task<RejoinRecord?> ReadRejoinDropAsync(long period, CancellationToken cancellationToken)
    {
        using var drop = CellRejoin.DropOf(_rejoinSecret, period);
        RejoinRecord? newest = null;
        var parts = new RejoinParts.Collector();
        long after = 0;
        for (var batches = 0; batches < MaxBatchesPerRead; batches++)
        {
            FetchResult result;
            try
            {
                result = await RelayRetry.RunAsync(() => _relay.FetchAsync(drop.Name, drop.ReadKey, after, TimeSpan.Zero, cancellationToken), _settings.RetryFor, _settings.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (RelayRejectedException e) when (e.RelayError is "no_such_drop" or "out_of_range")
            {
                break;
            }

            if (result.Envelopes.Count == 0)
            {
                break;
            }

            foreach (var envelope in result.Envelopes)
            {
                after = envelope.Seq;
                var content = drop.TryOpen(envelope.Data) switch
                {
                    (CellRejoin.RecordKind, var whole) => whole,
                    (RejoinParts.Kind, var part) => parts.Add(part),
                    _ => null,
                };
                if (content is not null && RejoinRecord.TryDecode(content) is { } record)
                {
                    if (newest is null || record.Epoch > newest.Epoch)
                    {
                        newest?.Dispose();
                        newest = record;
                    }
                    else
                    {
                        record.Dispose();
                    }
                }
            }
        }

        return newest;
    }

    /// <summary>
    /// Leaves this epoch's GroupInfo, with its drop's seeds, in this period's rejoin drop (creating the
    /// drop when it is new), split across envelopes when it does not fit one; false when it is too
    /// large even so, or the relay refused it (a full drop: the next period's drop, or the next check, takes it).
    /// </summary>
    private async Task<bool> PublishGroupInfoAsync(CancellationToken cancellationToken)
    {
        byte[] content;
        using (var record = new RejoinRecord(Group.Epoch, CellDrop.SeedsOf(Group), Group.GroupInfo()))
        {
            content = record.Encode();
        }

        using var drop = CellRejoin.DropOf(_rejoinSecret, CellRejoin.PeriodOf(_settings.Time.GetUtcNow(), _settings.RejoinPeriod));
        var envelopes = new List<byte[]>();
        try
        {
            if (content.Length <= _settings.RejoinEnvelopeContent)
            {
                envelopes.Add(drop.Seal(CellRejoin.RecordKind, content));
            }
            else
            {
                // Past RejoinParts.MaxParts it is not published, and the cell cannot be rejoined by external commit (docs/cells.md).
                foreach (var part in RejoinParts.Split(content, _settings.RejoinEnvelopeContent) ?? [])
                {
                    envelopes.Add(drop.Seal(RejoinParts.Kind, part));
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(part);
                }
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(content);
        }

        try
        {
            foreach (var envelope in envelopes)
            {
                await AppendCreatingAsync(drop, envelope, MessageId.NewRandom(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RelayRejectedException)
        {
            return false;
        }

        return envelopes.Count > 0;
    }

    /// <summary>Appends to a drop whose keys this member holds, creating it (with its append key) when the relay does not know it: new, lost, or deleted idle.</summary>
    private async Task<long> AppendCreatingAsync(CellDrop drop, byte[] envelope, MessageId id, CancellationToken cancellationToken)
    {
        try
        {
            return await AppendAsync(drop.Name, drop.AppendKey, envelope, id, cancellationToken).ConfigureAwait(false);
        }
        catch (RelayRejectedException e) when (e.RelayError == "no_such_drop")
        {
            await CreateDropAsync(drop, cancellationToken).ConfigureAwait(false);
            return await AppendAsync(drop.Name, drop.AppendKey, envelope, id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a commit: a new rejoin secret when the members changed (a removed member must not learn
    /// the next one; an added one learns it from its Welcome's epoch), else the same.
    /// </summary>
    private void RotateRejoinSecret(IReadOnlyList<string> membersBefore)
    {
        if (!membersBefore.ToHashSet(StringComparer.Ordinal).SetEquals(Members))
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_rejoinSecret);
            _rejoinSecret = CellRejoin.SecretOf(Group);
        }
    }
}
