namespace Courier.Mls.Group;

/// <summary>RFC 9420 §12.1: when a single proposal, from a given sender, is valid.</summary>
internal static class ProposalValidation
{
    /// <summary>§12.1.8: the proposal types an external sender may send.</summary>
    private static readonly ProposalType[] ExternalSenderTypes =
        [ProposalType.Add, ProposalType.Remove, ProposalType.Psk, ProposalType.Reinit, ProposalType.GroupContextExtensions];

    /// <summary>
    /// Validates one proposal from <paramref name="sender"/>. Resumption PSKs must have
    /// <paramref name="resumptionUsage"/>: application, except in the first commit of a branch or reinit (§11).
    /// </summary>
    public static void Validate(GroupEpoch epoch, Proposal proposal, Sender sender, ulong? now, bool inExternalCommit = false, ResumptionPSKUsage resumptionUsage = ResumptionPSKUsage.Application)
        => Validate(epoch.Suite, epoch.Context, epoch.Tree, proposal, sender, now, inExternalCommit, resumptionUsage, epoch.VerifiedKeyPackages);

    /// <summary>
    /// The same checks from an epoch's public state alone (GroupContext and ratchet tree), as an
    /// external sender has it (§12.1.8). The signatures of a KeyPackage in <paramref name="verifiedKeyPackages"/>
    /// are not verified again (its other checks are); one whose checks all pass is added to it.
    /// </summary>
    public static void Validate(CipherSuite suite, GroupContext context, RatchetTree tree, Proposal proposal, Sender sender, ulong? now, bool inExternalCommit = false, ResumptionPSKUsage resumptionUsage = ResumptionPSKUsage.Application, HashSet<KeyPackage>? verifiedKeyPackages = null)
    {
        CheckSender(proposal, sender, inExternalCommit);
        switch (proposal.Body)
        {
            case Add add:
                // §10.1 and §7.3: a valid KeyPackage whose leaf fits the group.
                var verified = verifiedKeyPackages?.Contains(add.KeyPackage) == true;
                KeyPackageValidation.Validate(suite, add.KeyPackage, verifySignature: !verified);
                LeafNodeValidation.Validate(add.KeyPackage.LeafNode, LeafNodeSource.KeyPackage, tree, null, context.GroupId, LeafNodeValidation.RequiredCapabilitiesOf(context.Extensions), now, verifySignature: !verified);
                verifiedKeyPackages?.Add(add.KeyPackage);
                break;
            case Update update:
                ValidateLeaf(tree, context.GroupId, context.Extensions, update.LeafNode, LeafNodeSource.Update, sender.LeafIndex!.Value, now);
                break;
            case Remove remove:
                if (remove.Removed >= tree.LeafCount || tree.GetLeaf(remove.Removed) is null)
                {
                    throw new MessageRejectedException(MlsCheck.RemoveBlankLeaf, "the Remove proposal names a blank leaf or one outside the tree");
                }

                break;
            case PreSharedKey psk:
                ValidatePskId(suite, psk.Psk, resumptionUsage);
                break;
            case ReInit reInit:
                if (reInit.Version < GroupContext.Mls10)
                {
                    throw new MessageRejectedException(MlsCheck.ReInitVersion, "the ReInit proposal names an older protocol version");
                }

                break;
            case GroupContextExtensions gce:
                ValidateGroupContextExtensions(tree, context.GroupId, gce);
                break;
            case ExternalInit when !inExternalCommit:
                throw new MessageRejectedException(MlsCheck.ExternalInitInRegularCommit, "an ExternalInit proposal outside an external commit");
        }
    }

    /// <summary>§12.1.4: a PSK proposal's nonce is KDF.Nh bytes; resumption PSKs are for the given usage only.</summary>
    public static void ValidatePskId(CipherSuite suite, PreSharedKeyID id, ResumptionPSKUsage allowedUsage)
    {
        if (id.PskNonce.Length != suite.HashSize)
        {
            throw new MessageRejectedException(MlsCheck.PskNonceLength, "the psk_nonce is not KDF.Nh bytes long");
        }

        if (id.PskType == PSKType.Resumption && id.Usage != allowedUsage)
        {
            throw new MessageRejectedException(MlsCheck.PskUsage, $"a resumption PSK with usage {id.Usage} where {allowedUsage} is required");
        }
    }

    /// <summary>§7.3 in the context of this group, with the group's (possibly new) extensions.</summary>
    public static void ValidateLeaf(GroupEpoch epoch, RatchetTree tree, IReadOnlyList<Extension> extensions, LeafNode leaf, LeafNodeSource source, uint? leafIndex, ulong? now)
        => ValidateLeaf(tree, epoch.GroupId, extensions, leaf, source, leafIndex, now);

    private static void ValidateLeaf(RatchetTree tree, byte[] groupId, IReadOnlyList<Extension> extensions, LeafNode leaf, LeafNodeSource source, uint? leafIndex, ulong? now)
        => LeafNodeValidation.Validate(leaf, source, tree, leafIndex, groupId, LeafNodeValidation.RequiredCapabilitiesOf(extensions), now);

    /// <summary>
    /// §12.1.7: every member supports each new extension (default types need no listing), and meets
    /// the new required_capabilities.
    /// </summary>
    private static void ValidateGroupContextExtensions(RatchetTree tree, byte[] groupId, GroupContextExtensions gce)
    {
        foreach (var (_, leaf) in tree.Leaves)
        {
            foreach (var extension in gce.Extensions)
            {
                if (!LeafNodeValidation.IsDefaultExtension(extension.ExtensionType) && !leaf.Capabilities.Extensions.Contains(extension.ExtensionType))
                {
                    throw new MessageRejectedException(MlsCheck.LeafCapabilities, "a member does not support an extension the proposal sets");
                }
            }
        }

        if (LeafNodeValidation.RequiredCapabilitiesOf(gce.Extensions) is { } required)
        {
            // Each member's leaf was verified when it entered the tree: its signature is not checked again.
            LeafNodeValidation.ValidateTree(tree, groupId, required, null, verifySignatures: false);
        }
    }

    /// <summary>§6.1, §12.1.8: which sender types may send which proposals.</summary>
    private static void CheckSender(Proposal proposal, Sender sender, bool inExternalCommit)
    {
        var allowed = sender.SenderType switch
        {
            SenderType.Member => proposal.ProposalType != ProposalType.ExternalInit,
            SenderType.External => ExternalSenderTypes.Contains(proposal.ProposalType),
            SenderType.NewMemberProposal => proposal.ProposalType == ProposalType.Add,
            SenderType.NewMemberCommit => inExternalCommit,
            _ => false,
        };
        if (!allowed)
        {
            throw new MessageRejectedException(MlsCheck.ProposalSender, $"a {sender.SenderType} sender may not send a {proposal.ProposalType} proposal");
        }
    }
}
