using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Group;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// Rejoining by external commit (RFC 9420 §12.4.3.2, docs/cells.md "Rejoining"): the commit is
/// stored with the group it starts (<see cref="PendingRejoin"/>) before it leaves, so a crash at any
/// point leaves either the old group or a rejoin the next read finishes, never a member behind.
/// </summary>
internal sealed partial class Cell
{
    /// <summary>How often a rejoin is tried when other members' commits win the epoch it targets.</summary>
    private const int RejoinAttempts = 3;

    /// <summary>This member's external commit in flight, as stored; null when none.</summary>
    private PendingRejoin? _pendingRejoin;

    /// <summary>
    /// The external commit: resyncs from <paramref name="record"/>'s GroupInfo as this member, creates
    /// the next epoch's drop, appends the commit to the epoch's drop and reads it back; if no other
    /// commit came first, the new group replaces the old one, and what the outbox held is protected
    /// again in the new epoch. Otherwise tries again from a newer record.
    /// </summary>
    private async Task RejoinAsync(RejoinRecord record, CancellationToken cancellationToken)
    {
        RejoinRecord? newer = null;
        try
        {
            for (var attempt = 0; attempt < RejoinAttempts; attempt++)
            {
                if (await TryRejoinAsync(newer ?? record, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var (next, _) = await ReadRejoinDropsAsync(cancellationToken).ConfigureAwait(false);
                if (next is null || next.Epoch <= (newer ?? record).Epoch)
                {
                    next?.Dispose();
                    break;
                }

                newer?.Dispose();
                newer = next;
            }
        }
        finally
        {
            newer?.Dispose();
        }

        throw new FellBehindException("This node fell behind and tried to rejoin the cell, but other members' changes came first; sync again.");
    }

    private async Task<bool> TryRejoinAsync(RejoinRecord record, CancellationToken cancellationToken)
    {
        ExternalJoinResult joined;
        try
        {
            joined = Group.Resync(record.GroupInfo, _settings.LeafLifetime);
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException or ArgumentException or InvalidOperationException)
        {
            throw new FellBehindException("This node fell behind, and the cell's rejoin information at the relay does not let it rejoin (it is not for this member, or does not verify). Ask a member to remove you and add you again.", e);
        }

        using (joined.Group)
        using (var epochDrop = CellDrop.FromSeeds(record.CopyOfDrop()))
        {
            // Stored before it leaves: after a crash the next read finishes it (ResumeRejoinAsync).
            _pendingRejoin = PendingRejoin.Start(record.CopyOfDrop(), epochDrop.Seal(FrameKind, joined.Commit), joined.Commit, joined.Group);
            Write(new CellChange { RejoinStarted = _pendingRejoin });
            using var next = CellDrop.Of(joined.Group);
            await CreateDropAsync(next, cancellationToken).ConfigureAwait(false);
        }

        return await CompleteRejoinAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A rejoin stored before a crash (or a failed append): appended again with the same message id
    /// (the relay stores it once) and read back, so the member takes the group its commit started if
    /// it came first, or else rejoins from a newer record on this sync.
    /// </summary>
    private async Task ResumeRejoinAsync(CancellationToken cancellationToken)
    {
        if (await CompleteRejoinAsync(cancellationToken).ConfigureAwait(false))
        {
            _gapNotices.RemoveAll(n => n is LostDeleted or LostRestarted);
            _gapNotices.Add(Rejoined);
        }
        else
        {
            // Check the rejoin drop on this sync: the cell moved on without this member.
            _gapSince = Math.Max(1, _settings.Time.GetUtcNow().ToUnixTimeSeconds());
            Write(new CellChange { Cursor = Cursor() });
        }
    }

    /// <summary>
    /// Appends the pending external commit and reads where it landed: if it came first, its group
    /// replaces the old one; if another commit came first or the relay refused it for good, it is
    /// lost. Either way it is no longer pending; a relay out of reach leaves it pending.
    /// </summary>
    private async Task<bool> CompleteRejoinAsync(CancellationToken cancellationToken)
    {
        var pending = _pendingRejoin!;
        bool won;
        using (var epochDrop = CellDrop.FromSeeds(pending.CopyOfDrop()))
        {
            try
            {
                var seq = await AppendCreatingAsync(epochDrop, pending.Envelope, pending.Id, cancellationToken).ConfigureAwait(false);
                won = await FirstCommitIsAsync(epochDrop, seq, pending.Commit, cancellationToken).ConfigureAwait(false);
            }
            catch (RelayRejectedException)
            {
                // Refused for good (a full drop): it is in no drop, so it is lost, and cannot hold up every later read.
                won = false;
            }
        }

        _pendingRejoin = null;
        try
        {
            if (won)
            {
                await AdoptAsync(pending, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Write(new CellChange { RejoinLost = true });
            }
        }
        finally
        {
            pending.Dispose();
        }

        return won;
    }

    /// <summary>Whether the first commit in <paramref name="drop"/> up to <paramref name="through"/> is <paramref name="commit"/>: the members apply the first valid one (RFC 9420 §12.4).</summary>
    private async Task<bool> FirstCommitIsAsync(CellDrop drop, long through, byte[] commit, CancellationToken cancellationToken)
    {
        long after = 0;
        for (var batches = 0; after < through && batches < MaxBatchesPerRead; batches++)
        {
            var result = await RelayRetry.RunAsync(() => _relay.FetchAsync(drop.Name, drop.ReadKey, after, TimeSpan.Zero, cancellationToken), _settings.RetryFor, _settings.Time, cancellationToken).ConfigureAwait(false);
            if (result.Envelopes.Count == 0)
            {
                return false;
            }

            foreach (var envelope in result.Envelopes.Where(e => e.Seq <= through))
            {
                if (drop.TryOpen(envelope.Data) is (FrameKind, var content) && IsCommit(content))
                {
                    return content.AsSpan().SequenceEqual(commit);
                }
            }

            after = result.Envelopes[^1].Seq;
        }

        return false;
    }

    private static bool IsCommit(byte[] message)
    {
        try
        {
            return MlsGroup.IsCommit(message);
        }
        catch (DecodeException)
        {
            return false;
        }
    }

    /// <summary>Takes the rejoined group: the pending rejoin's group replaces the old one in the store, the outbox is protected again in the new epoch, and its GroupInfo is published.</summary>
    private async Task AdoptAsync(PendingRejoin pending, CancellationToken cancellationToken)
    {
        var old = Group;
        Group = pending.Restore(_settings.Time);
        old.Dispose();
        EnterEpoch();
        _closedAt.Clear();
        _gapSince = 0;
        Write(new CellChange { RejoinAdopted = pending, Cursor = Cursor(), Membership = Membership() });

        // What this member had not seen delivered may never have been read: it is protected again in this epoch (not the old ciphertext).
        foreach (var entry in _outbox.Where(e => e.Epoch < Group.Epoch).ToList())
        {
            _outbox.Remove(entry);
            if (entry.Content is { } content)
            {
                ProtectAndStore(content, entry.Source, settled: entry);
            }
            else
            {
                Write(new CellChange { Settled = [entry] });
                _gapNotices.Add($"Part of the file {entry.Source?.Name} could not be sent again after rejoining (the file changed on disk); send it again.");
            }
        }

        await PublishGroupInfoAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A cell accepts an external commit (RFC 9420 §12.4.3.2) only as a resync: the members after it
    /// are the members before it, each with the same code name and signature key. Anyone else who got
    /// hold of a GroupInfo cannot join, and no member can take another's place.
    /// </summary>
    private bool IsAcceptableExternal(StagedCommit staged)
    {
        static string[] Keys(IEnumerable<GroupMember> members) => members.Select(m => Convert.ToHexString(m.Identity) + ":" + Convert.ToHexString(m.SignatureKey)).Order(StringComparer.Ordinal).ToArray();
        return staged.Committer is not null || Keys(staged.Members).SequenceEqual(Keys(Group.Members));
    }
}
