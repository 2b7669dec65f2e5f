namespace Courier.Mls.Group;

/// <summary>
/// The proposals a commit covers, resolved to values with their senders, in commit order:
/// validated as RFC 9420 §12.2 requires and applied to a ratchet tree as §12.3 orders.
/// </summary>
internal sealed class ProposalList
{
    private ProposalList(IReadOnlyList<(Proposal Proposal, Sender Sender)> items) => Items = items;

    public IReadOnlyList<(Proposal Proposal, Sender Sender)> Items { get; }

    /// <summary>§12.4: proposals by value come from the committer; by reference, from the epoch's cache.</summary>
    public static ProposalList Resolve(GroupEpoch epoch, IReadOnlyList<ProposalOrRef> proposals, Sender committer)
    {
        var items = new List<(Proposal, Sender)>(proposals.Count);
        foreach (var item in proposals)
        {
            if (item.Proposal is { } proposal)
            {
                items.Add((proposal, committer));
                continue;
            }

            if (committer.SenderType == SenderType.NewMemberCommit)
            {
                throw Reject(MlsCheck.ExternalCommitProposals, "an external commit includes a proposal by reference (§12.4.3.2)");
            }

            var cached = epoch.Proposals.FirstOrDefault(p => p.Reference.AsSpan().SequenceEqual(item.Reference));
            if (cached is null)
            {
                throw Reject(MlsCheck.UnknownProposalReference, "the commit refers to a proposal this member has not received");
            }

            items.Add((cached.Proposal, cached.Sender));
        }

        return new ProposalList(items);
    }

    /// <summary>A list of proposals the committer itself creates, all by value.</summary>
    public static ProposalList ByValue(IEnumerable<Proposal> proposals, Sender committer)
        => new(proposals.Select(p => (p, committer)).ToList());

    public IEnumerable<T> Bodies<T>()
        where T : IProposalBody => Items.Select(i => i.Proposal.Body).OfType<T>();

    /// <summary>
    /// §12.4: a path is required when the list is empty or holds a proposal of a path-required type
    /// (update, remove, external_init, group_context_extensions).
    /// </summary>
    public bool PathRequired => Items.Count == 0 || Items.Any(i => i.Proposal.ProposalType
        is ProposalType.Update or ProposalType.Remove or ProposalType.ExternalInit or ProposalType.GroupContextExtensions);

    public IReadOnlyList<PreSharedKeyID> PskIds => Bodies<PreSharedKey>().Select(p => p.Psk).ToList();

    /// <summary>§12.2: the rules for the list as a whole, and each proposal's own validity (§12.1).</summary>
    public void Validate(GroupEpoch epoch, Sender committer, ulong? now, ResumptionPSKUsage resumptionUsage = ResumptionPSKUsage.Application)
    {
        var external = committer.SenderType == SenderType.NewMemberCommit;
        if (external)
        {
            ValidateExternal();
        }
        else
        {
            ValidateRegular(epoch, committer.LeafIndex!.Value);
        }

        foreach (var (proposal, sender) in Items)
        {
            ProposalValidation.Validate(epoch, proposal, sender, now, external, resumptionUsage);
        }
    }

    private void ValidateRegular(GroupEpoch epoch, uint committer)
    {
        var changedLeaves = new HashSet<uint>();
        foreach (var (proposal, sender) in Items)
        {
            switch (proposal.Body)
            {
                case Update:
                    if (sender.LeafIndex == committer)
                    {
                        throw Reject(MlsCheck.CommitterUpdate, "the commit covers an Update from the committer");
                    }

                    if (!changedLeaves.Add(sender.LeafIndex!.Value))
                    {
                        throw Reject(MlsCheck.DuplicateLeafChange, "two Update or Remove proposals apply to the same leaf");
                    }

                    break;
                case Remove remove:
                    if (remove.Removed == committer)
                    {
                        throw Reject(MlsCheck.CommitterRemoved, "the commit removes the committer");
                    }

                    if (!changedLeaves.Add(remove.Removed))
                    {
                        throw Reject(MlsCheck.DuplicateLeafChange, "two Update or Remove proposals apply to the same leaf");
                    }

                    break;
                case ExternalInit:
                    throw Reject(MlsCheck.ExternalInitInRegularCommit, "a regular commit includes an ExternalInit");
                case ReInit when Items.Count > 1:
                    throw Reject(MlsCheck.ReInitNotAlone, "a ReInit is committed together with other proposals");
            }
        }

        if (Bodies<GroupContextExtensions>().Count() > 1)
        {
            throw Reject(MlsCheck.MultipleGroupContextExtensions, "the commit includes two GroupContextExtensions proposals");
        }

        CheckDistinctPsks();

        // A KeyPackage represents a client by its signature key (§12.2: "identical signature keys").
        var removed = Bodies<Remove>().Select(r => r.Removed).ToHashSet();
        var present = epoch.Tree.Leaves
            .Where(l => !removed.Contains(l.LeafIndex))
            .Select(l => Convert.ToHexString(l.Leaf.SignatureKey))
            .ToHashSet();
        var added = new HashSet<string>();
        foreach (var add in Bodies<Add>())
        {
            var key = Convert.ToHexString(add.KeyPackage.LeafNode.SignatureKey);
            if (!added.Add(key))
            {
                throw Reject(MlsCheck.DuplicateAdd, "two Add proposals add the same client");
            }

            if (present.Contains(key))
            {
                throw Reject(MlsCheck.AddOfExistingMember, "an Add proposal adds a client already in the group");
            }
        }
    }

    /// <summary>§12.2: exactly one ExternalInit, at most one Remove, any PreSharedKeys, nothing else.</summary>
    private void ValidateExternal()
    {
        var externalInits = 0;
        var removes = 0;
        foreach (var (proposal, _) in Items)
        {
            switch (proposal.ProposalType)
            {
                case ProposalType.ExternalInit:
                    externalInits++;
                    break;
                case ProposalType.Remove:
                    removes++;
                    break;
                case ProposalType.Psk:
                    break;
                default:
                    throw Reject(MlsCheck.ExternalCommitProposals, $"an external commit includes a {proposal.ProposalType} proposal");
            }
        }

        if (externalInits != 1 || removes > 1)
        {
            throw Reject(MlsCheck.ExternalCommitProposals, "an external commit needs exactly one ExternalInit and at most one Remove");
        }

        CheckDistinctPsks();
    }

    private void CheckDistinctPsks()
    {
        var ids = PskIds;
        if (ids.Distinct().Count() != ids.Count)
        {
            throw Reject(MlsCheck.DuplicatePsk, "two PreSharedKey proposals name the same PSK");
        }
    }

    /// <summary>
    /// §12.3: applies GroupContextExtensions, then Updates, Removes and Adds (in list order) to
    /// <paramref name="tree"/>, and returns the new extensions and the leaves the Adds took.
    /// </summary>
    public AppliedProposals Apply(GroupEpoch epoch, RatchetTree tree)
    {
        var extensions = Bodies<GroupContextExtensions>().SingleOrDefault()?.Extensions ?? epoch.Context.Extensions;
        foreach (var (proposal, sender) in Items)
        {
            if (proposal.Body is Update update)
            {
                tree.UpdateLeaf(sender.LeafIndex!.Value, update.LeafNode);
            }
        }

        foreach (var remove in Bodies<Remove>())
        {
            tree.RemoveLeaf(remove.Removed);
        }

        var added = new List<(uint Leaf, KeyPackage KeyPackage)>();
        foreach (var add in Bodies<Add>())
        {
            added.Add((tree.AddLeaf(add.KeyPackage.LeafNode), add.KeyPackage));
        }

        return new AppliedProposals(
            extensions,
            added,
            Bodies<Remove>().Select(r => r.Removed).ToHashSet(),
            Bodies<ExternalInit>().SingleOrDefault(),
            Bodies<ReInit>().SingleOrDefault());
    }

    private static MessageRejectedException Reject(MlsCheck check, string detail) => new(check, detail);
}

/// <summary>What applying a proposal list produced (RFC 9420 §12.3).</summary>
internal sealed record AppliedProposals(
    IReadOnlyList<Extension> Extensions,
    IReadOnlyList<(uint Leaf, KeyPackage KeyPackage)> Added,
    IReadOnlySet<uint> Removed,
    ExternalInit? ExternalInit,
    ReInit? ReInit);
