namespace Courier.Mls.Group;

/// <summary>Processing messages of the group (RFC 9420 §6, §12.4.2) and merging staged commits.</summary>
public sealed partial class MlsGroup
{
    /// <summary>
    /// Processes a message of the group: application data is decrypted, a proposal is validated and
    /// kept, a commit is validated and returned staged (<see cref="ProcessedMessage.StagedCommit"/>):
    /// the group stays in its epoch until <see cref="Merge"/>. This member's own pending commit,
    /// when it comes back from the delivery service, is staged the same way.
    /// </summary>
    public ProcessedMessage Process(ReadOnlySpan<byte> message)
    {
        var epoch = ActiveState;
        if (_pending is { } pending && message.SequenceEqual(pending.Message))
        {
            var own = new StagedCommit(this, epoch.Epoch, epoch.OwnLeaf, MembersOf(pending.Staged.Tree), null, pending);
            _staged.Add(own);
            return new ProcessedMessage(ProcessedKind.Commit, epoch.OwnLeaf, null, [], own.Epoch, own);
        }

        if (epoch.Sent.TryGetValue(Fingerprint(message), out var ownKind))
        {
            // This member's own message, back from the delivery service: its effects are already here.
            return new ProcessedMessage(ownKind, epoch.OwnLeaf, null, [], epoch.Epoch, null);
        }

        var mlsMessage = MLSMessage.FromBytes(message);
        if (mlsMessage.PrivateMessage is { } late && late.Epoch < epoch.Epoch
            && _past.FirstOrDefault(p => p.Context.Epoch == late.Epoch && p.Context.GroupId.AsSpan().SequenceEqual(late.GroupId)) is { } past)
        {
            return ProcessPastEpoch(past, late);
        }

        if (mlsMessage.PrivateMessage is null)
        {
            return Accept(epoch, MessageUnprotection.Unprotect(epoch, mlsMessage));
        }

        // Decryption consumes a ratchet key before the later checks run; a rejected message must
        // leave the state as it was, so what the secret tree changed is put back when anything fails.
        using var rollback = epoch.SecretTree.BeginRollback();
        try
        {
            return Accept(epoch, MessageUnprotection.Unprotect(epoch, mlsMessage));
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException)
        {
            rollback.Undo();
            throw;
        }
    }

    /// <summary>
    /// Moves the group to the epoch of <paramref name="staged"/>, a commit <see cref="Process"/>
    /// returned for the current epoch: the pending commit (unless it is the one merged) and every
    /// other staged commit are dropped. A commit that removes this member ends its membership
    /// (<see cref="IsActive"/> false, §12.4.2). Throws <see cref="InvalidOperationException"/> for a
    /// staged commit of another group or epoch, one already merged or wiped, or this member's own
    /// commit once discarded.
    /// </summary>
    public void Merge(StagedCommit staged)
    {
        ArgumentNullException.ThrowIfNull(staged);
        var epoch = ActiveState;
        if (staged.Group != this || staged.IsSpent || staged.FromEpoch != epoch.Epoch || !_staged.Contains(staged))
        {
            throw new InvalidOperationException("The staged commit is not one of this group's current epoch, or was already merged or dropped.");
        }

        if (staged.OwnPending is { } own)
        {
            if (!ReferenceEquals(own, _pending))
            {
                throw new InvalidOperationException("This member's commit was discarded; it can no longer be merged.");
            }

            staged.Spend();
            _staged.Remove(staged);
            var next = _pending.Staged;
            if (_pending.NewSigner is { } newSigner)
            {
                // The merged leaf carries the new key: the group signs with it from now on.
                _signer.Dispose();
                _signer = newSigner;
            }

            _pending = null;
            MoveTo(next);
            return;
        }

        _staged.Remove(staged);
        if (staged.Spend() is { } other)
        {
            MoveTo(other);
            return;
        }

        // §12.4.2: removed from the group; the member keeps no secret tree to decrypt with.
        DiscardPendingCommit();
        WipeStaged();
        epoch.Removed = true;
        _epochChanged = true;
    }

    private ProcessedMessage Accept(GroupEpoch epoch, AuthenticatedContent content)
    {
        var framed = content.Content;
        switch (framed.ContentType)
        {
            case ContentType.Application:
                return new ProcessedMessage(ProcessedKind.Application, framed.Sender.LeafIndex, framed.ApplicationData, framed.AuthenticatedData, epoch.Epoch, null);
            case ContentType.Proposal:
                ProposalValidation.Validate(epoch, framed.Proposal!, framed.Sender, Now);
                epoch.Proposals.Add(new CachedProposal(CachedProposal.ReferenceOf(epoch.Suite, content), framed.Proposal!, framed.Sender));
                _epochChanged = true;
                return new ProcessedMessage(ProcessedKind.Proposal, framed.Sender.LeafIndex, null, framed.AuthenticatedData, epoch.Epoch, null);
            default:
                var next = CommitProcessing.Process(epoch, content, Psks, Now, out var treeAfter);
                var staged = new StagedCommit(this, epoch.Epoch, framed.Sender.LeafIndex, MembersOf(treeAfter), next, null);
                _staged.Add(staged);
                return new ProcessedMessage(ProcessedKind.Commit, framed.Sender.LeafIndex, null, framed.AuthenticatedData, staged.Epoch, staged);
        }
    }

    /// <summary>Reads a late application message of a retained past epoch (§15.2).</summary>
    private ProcessedMessage ProcessPastEpoch(PastEpoch past, PrivateMessage message)
    {
        using var rollback = past.SecretTree.BeginRollback();
        try
        {
            var content = PrivateMessageProtection.Unprotect(_epoch.Suite, message, past.Context, past.SecretTree, past.SenderDataSecret, leaf => past.Tree.GetLeaf(leaf)?.SignatureKey);
            var framed = content.Content;
            if (framed.ContentType != ContentType.Application)
            {
                throw new MessageRejectedException(MlsCheck.Epoch, "a handshake message of an epoch this member has left");
            }

            // Past epochs are stored whole with the epoch state.
            _epochChanged = true;
            return new ProcessedMessage(ProcessedKind.Application, framed.Sender.LeafIndex, framed.ApplicationData, framed.AuthenticatedData, past.Context.Epoch, null);
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException)
        {
            rollback.Undo();
            throw;
        }
    }
}
