using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §12.4.2, "Processing a Commit": from the current epoch and a commit whose framing and
/// signature were already verified, build the next epoch. Nothing of the current epoch changes; a
/// rejection leaves it as it was. A commit that removes this member yields null: the member checks
/// what it can (proposals, leaf and parent hashes) but cannot derive the new epoch.
/// </summary>
internal static class CommitProcessing
{
    public static GroupEpoch? Process(GroupEpoch epoch, AuthenticatedContent content, PskResolver psks, ulong? now, out RatchetTree treeAfter)
    {
        var framed = content.Content;
        var commit = framed.Commit ?? throw new ArgumentException("The content is not a commit.", nameof(content));
        var committer = framed.Sender;
        var external = committer.SenderType == SenderType.NewMemberCommit;

        treeAfter = epoch.Tree;
        var list = ProposalList.Resolve(epoch, commit.Proposals, committer);
        list.Validate(epoch, committer, now);
        var pskSecrets = psks.Resolve(epoch, list.PskIds);
        try
        {
            if (list.PathRequired && commit.Path is null)
            {
                throw new MessageRejectedException(MlsCheck.PathRequired, "the commit's proposals require a path, and it has none");
            }

            var tree = epoch.Tree.Clone();
            var applied = list.Apply(epoch, tree);
            var ownKeys = epoch.PrivateKeys.Clone();
            try
            {
                ownKeys.Prune(tree);
                TakeOwnUpdate(epoch, tree, list, ownKeys);
                var removed = applied.Removed.Contains(epoch.OwnLeaf);
                using var commitSecret = ProcessPath(epoch, tree, applied, commit.Path, committer, ownKeys, removed, now);
                if (removed)
                {
                    treeAfter = tree;
                    return null;
                }

                var next = NextEpoch(epoch, content, tree, applied, commitSecret, pskSecrets, ownKeys);
                ownKeys = null;
                treeAfter = next.Tree;
                return next;
            }
            finally
            {
                ownKeys?.Dispose();
            }
        }
        finally
        {
            PskResolver.Dispose(pskSecrets);
        }
    }

    /// <summary>
    /// §12.1.2: when the commit covers this member's own Update, its leaf now holds the key pair the
    /// member generated for that proposal.
    /// </summary>
    private static void TakeOwnUpdate(GroupEpoch epoch, RatchetTree tree, ProposalList list, TreeKemPrivateKeys ownKeys)
    {
        if (!list.Items.Any(i => i.Proposal.Body is Update && i.Sender.LeafIndex == epoch.OwnLeaf)
            || tree.GetLeaf(epoch.OwnLeaf) is not { } leaf)
        {
            return;
        }

        if (!epoch.PendingLeafKeys.TryGetValue(Convert.ToHexString(leaf.EncryptionKey), out var key))
        {
            throw new MessageRejectedException(MlsCheck.UnknownProposalReference, "the commit applies an Update of this member that it did not propose");
        }

        ownKeys.SetLeafKey(key.Copy());
    }

    /// <summary>Validates and merges the UpdatePath, and decrypts the commit secret (all zero without a path).</summary>
    private static Secret ProcessPath(
        GroupEpoch epoch,
        RatchetTree tree,
        AppliedProposals applied,
        UpdatePath? path,
        Sender committer,
        TreeKemPrivateKeys ownKeys,
        bool removed,
        ulong? now)
    {
        if (path is null)
        {
            return Secret.Zero(epoch.Suite.HashSize);
        }

        uint senderLeaf;
        if (committer.SenderType == SenderType.NewMemberCommit)
        {
            // §12.4.2: an external committer takes the leftmost blank leaf, extending the tree if need be.
            senderLeaf = tree.ReserveBlankLeaf();
            ProposalValidation.ValidateLeaf(epoch, tree, applied.Extensions, path.LeafNode, LeafNodeSource.Commit, senderLeaf, now);
        }
        else
        {
            senderLeaf = committer.LeafIndex!.Value;
            ProposalValidation.ValidateLeaf(epoch, tree, applied.Extensions, path.LeafNode, LeafNodeSource.Commit, senderLeaf, now);
        }

        // ApplyPath refuses keys already in the tree, the committer's current leaf key among them (§12.4.2).
        TreeKemOperations.ApplyPath(tree, senderLeaf, path);
        var provisional = epoch.Context with { Epoch = epoch.Epoch + 1, TreeHash = tree.TreeHash(), Extensions = applied.Extensions };
        if (removed)
        {
            // A removed member cannot decrypt the path: the path is not encrypted to it.
            return Secret.Zero(epoch.Suite.HashSize);
        }

        var excluded = applied.Added.Select(a => a.Leaf).ToHashSet();
        return TreeKemOperations.DecryptPath(tree, senderLeaf, path, epoch.OwnLeaf, ownKeys, provisional, excluded);
    }

    /// <summary>Transcript hashes, key schedule and confirmation tag of the new epoch (§8, §8.2).</summary>
    private static GroupEpoch NextEpoch(
        GroupEpoch epoch,
        AuthenticatedContent content,
        RatchetTree tree,
        AppliedProposals applied,
        Secret commitSecret,
        IReadOnlyList<(PreSharedKeyID Id, Secret Psk)> pskSecrets,
        TreeKemPrivateKeys ownKeys)
    {
        var suite = epoch.Suite;
        var confirmed = TranscriptHashes.NextConfirmed(suite, epoch.InterimTranscriptHash, ConfirmedTranscriptHashInput.From(content));
        var context = epoch.Context with
        {
            Epoch = epoch.Epoch + 1,
            TreeHash = tree.TreeHash(),
            ConfirmedTranscriptHash = confirmed,
            Extensions = applied.Extensions,
        };

        using var initSecret = applied.ExternalInit is { } externalInit
            ? ExternalInitialization.Receive(suite, epoch.Secrets.ExternalSecret, externalInit.KemOutput)
            : epoch.Secrets.InitSecret.Clone();
        using var pskSecret = PskSecret.Derive(suite, pskSecrets);
        var secrets = EpochSecrets.FromInitSecret(suite, initSecret, commitSecret, pskSecret, context);
        try
        {
            var tag = content.Auth.ConfirmationTag!;
            if (!ConfirmationTag.Verify(suite, secrets.ConfirmationKey, confirmed, tag))
            {
                throw new MessageRejectedException(MlsCheck.ConfirmationTag, "the confirmation tag does not verify");
            }

            return GroupEpoch.Begin(suite, context, tree, ownKeys, secrets, tag, epoch, applied.ReInit);
        }
        catch
        {
            secrets.Dispose();
            throw;
        }
    }
}
