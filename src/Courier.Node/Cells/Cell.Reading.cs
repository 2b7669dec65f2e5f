using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Group;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>Reading a cell's drop: batches in order, the first valid commit of each epoch, what others wrote.</summary>
internal sealed partial class Cell
{
    /// <summary>
    /// Reads the drop until it holds nothing new, one batch and one store write at a time. A gap in
    /// the drop (the relay deleted envelopes this member had not read) is said, and reading goes on
    /// past it: what follows may still hold the commit this member needs. Whether the cell moved on
    /// without it is for <see cref="CheckRejoinDropAsync"/> to find.
    /// </summary>
    /// <exception cref="FellBehindException">The drop lost envelopes twice in one read.</exception>
    private async Task FetchAsync(TimeSpan wait, List<CellMessage> received, CancellationToken cancellationToken)
    {
        if (_pendingRejoin is not null)
        {
            // A rejoin a crash interrupted: finished first, so reading goes on in the epoch it reached.
            await ResumeRejoinAsync(cancellationToken).ConfigureAwait(false);
        }

        var recovered = false;
        for (var batches = 0; Group.IsActive && batches < MaxBatchesPerRead; batches++)
        {
            var (batch, gap, last) = await FetchBatchAsync(wait, cancellationToken).ConfigureAwait(false);
            if (gap != DropGap.None)
            {
                if (recovered)
                {
                    throw new FellBehindException("The relay lost messages of this cell again while this node was catching up; sync again.");
                }

                recovered = true;
                NoteGap(gap, batch.Count == 0 ? last : _position);
                if (batch.Count == 0)
                {
                    continue;
                }
            }

            if (batch.Count == 0)
            {
                break;
            }

            wait = TimeSpan.Zero;
            var (closed, ownCommitMerged) = ReadBatch(batch, received);
            if (closed && Group.IsActive)
            {
                if (ownCommitMerged)
                {
                    await PublishGroupInfoAsync(cancellationToken).ConfigureAwait(false);
                }

                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads one batch of the drop in its order, as fetched or as a relay's export carried it: the
    /// first valid commit closes the epoch (what follows it in the batch is left), the outbox entries
    /// it settles leave, and everything is stored in one write. Whether it closed the epoch, and with
    /// this member's own commit.
    /// </summary>
    private (bool Closed, bool OwnCommitMerged) ReadBatch(IReadOnlyList<FetchedEnvelope> batch, List<CellMessage> received)
    {
        var epochBefore = Group.Epoch;
        var membersBefore = Members;
        var messages = new List<CellMessage>();
        var ownCommitMerged = false;
        var closed = false;
        foreach (var envelope in batch)
        {
            _position = envelope.Seq;
            _positionDigest = CellCursor.DigestOf(envelope.Data);
            var outcome = Accept(envelope, messages);
            ownCommitMerged |= outcome == Accepted.OwnCommit;
            if (outcome != Accepted.Other && (Group.Epoch != epochBefore || !Group.IsActive))
            {
                closed = true;
                _closedAt[epochBefore] = envelope.Seq;
                break;
            }
        }

        // What this member sent into the epoch up to here is in the order before any commit.
        var lost = closed && !ownCommitMerged && Group.HasPendingCommit;
        if (lost)
        {
            // Another member's commit closed the epoch first: this member's commit is void.
            Group.DiscardPendingCommit();
        }

        _ownCommitMerged |= ownCommitMerged;
        var settledAt = closed ? _closedAt[epochBefore] : _position;
        var settled = _outbox.Where(e => e.Epoch == epochBefore && e.Sequence <= settledAt).ToList();
        _outbox.RemoveAll(settled.Contains);
        if (closed && Group.IsActive)
        {
            EnterEpoch();
            RotateRejoinSecret(membersBefore);
        }

        Write(new CellChange
        {
            Group = SaveGroup(),
            Cursor = Cursor(),
            Membership = closed ? Membership() : null,
            Settled = settled,
            Received = messages,
            CommitMerged = ownCommitMerged ? true : lost ? false : null,
        });
        received.AddRange(messages);
        return (closed, ownCommitMerged);
    }

    private Accepted Accept(FetchedEnvelope envelope, List<CellMessage> messages)
    {
        if (_drop!.TryOpen(envelope.Data) is not (FrameKind, var mls))
        {
            // Not sealed by a member of this epoch: junk someone appended (a relay can insert anything).
            _unopened++;
            return Accepted.Other;
        }

        ProcessedMessage processed;
        try
        {
            processed = Group.Process(mls);
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException)
        {
            // A losing commit, a message of an epoch already closed, or garbage anyone could append.
            return Accepted.Other;
        }

        if (processed.StagedCommit is { } staged)
        {
            if (!IsAcceptableExternal(staged))
            {
                return Accepted.Other;
            }

            // The first valid commit of the epoch in the drop's order wins: merged now, and stored
            // with the messages read before it in this batch's write.
            Group.Merge(staged);
            return staged.IsOwnCommit ? Accepted.OwnCommit : Accepted.Commit;
        }

        if (processed.Kind == ProcessedKind.Commit)
        {
            return Accepted.Commit;
        }

        if (processed is { Kind: ProcessedKind.Application, ApplicationData: { } data, SenderLeaf: { } leaf }
            && CellContent.Parse(data) is { } content)
        {
            if (content is LeaveNotice)
            {
                _leaving.Add(CodeNameOf(leaf));
            }
            else
            {
                messages.Add(new CellMessage(CodeNameOf(leaf), content, processed.Epoch) { Sequence = envelope.Seq });
            }
        }

        return Accepted.Other;
    }

    private enum Accepted
    {
        Other,
        Commit,
        OwnCommit,
    }
}
