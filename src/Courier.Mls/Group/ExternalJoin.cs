using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §12.4.3.2: joining by external commit. From a GroupInfo with the external_pub
/// extension, the joiner derives an init_secret nobody else could, takes the leftmost blank leaf,
/// and commits an ExternalInit (and optionally the Remove of an earlier appearance of itself) with a
/// full path. It is in the new epoch at once; the members follow when they process the commit.
/// </summary>
internal static class ExternalJoin
{
    /// <summary>
    /// Joins as the member of <paramref name="joiner"/>; the commit also carries a PreSharedKey
    /// proposal for each of <paramref name="pskIds"/>, whose secrets <paramref name="psks"/> gives.
    /// </summary>
    public static (GroupEpoch Epoch, MLSMessage Commit) Join(
        GroupInfo groupInfo,
        IReadOnlyList<Node?>? ratchetTree,
        KeyPackageBundle joiner,
        uint? removePrior,
        IReadOnlyList<PreSharedKeyID> pskIds,
        PskResolver psks,
        IRandom random,
        ulong? now)
    {
        var context = groupInfo.GroupContext;
        var suite = CipherSuite.Find(context.CipherSuite);
        if (suite is null || suite.Id != joiner.CipherSuite)
        {
            throw new MessageRejectedException(MlsCheck.GroupInfoCipherSuite, "the GroupInfo's ciphersuite is not the joiner's");
        }

        var tree = RatchetTree.FromNodes(suite, WelcomeJoin.TreeOf(groupInfo, ratchetTree));
        WelcomeJoin.VerifyTree(tree, context, now);
        GroupInfoSigning.Verify(suite, groupInfo, tree.GetLeaf(groupInfo.Signer)?.SignatureKey);
        var externalPub = ExternalInitialization.FindExternalPub(groupInfo)
            ?? throw new MessageRejectedException(MlsCheck.ExternalPub, "the GroupInfo has no external_pub extension");

        var (kemOutput, initSecret) = ExternalInitialization.Send(suite, externalPub, random);
        var proposals = new List<ProposalOrRef> { new(new Proposal(new ExternalInit(kemOutput))) };
        if (removePrior is { } prior)
        {
            if (tree.GetLeaf(prior) is null)
            {
                throw new ArgumentException("The prior appearance to remove is not a member.", nameof(removePrior));
            }

            proposals.Add(new ProposalOrRef(new Proposal(new Remove(prior))));
            tree.RemoveLeaf(prior);
        }

        proposals.AddRange(pskIds.Select(id => new ProposalOrRef(new Proposal(new PreSharedKey(id)))));
        var ownLeaf = tree.ReserveBlankLeaf();
        var signer = joiner.SignatureKey;
        EpochSecrets? secrets = null;
        TreeKemPrivateKeys? keys = null;
        IReadOnlyList<(PreSharedKeyID Id, Secret Psk)> pskSecrets = [];
        try
        {
            pskSecrets = psks.Resolve(null, pskIds);
            using var path = TreeKemOperations.PreparePath(tree, ownLeaf, context.GroupId, signer, LeafNodeTemplate.From(joiner.KeyPackage.LeafNode), random);
            keys = path.ToPrivateKeys();
            var provisional = context with { Epoch = context.Epoch + 1, TreeHash = tree.TreeHash() };
            var updatePath = TreeKemOperations.EncryptPath(path, tree, provisional, new HashSet<uint>(), random);

            var framed = FramedContent.ForCommit(context.GroupId, context.Epoch, Sender.NewMemberCommit(), [], new Commit(proposals, updatePath));
            var signature = ContentAuthentication.Sign(suite, WireFormat.MlsPublicMessage, framed, context, signer, new byte[suite.HashSize]).Auth.Signature;
            var interimBefore = TranscriptHashes.NextInterim(suite, context.ConfirmedTranscriptHash, new InterimTranscriptHashInput(groupInfo.ConfirmationTag));
            var confirmed = TranscriptHashes.NextConfirmed(suite, interimBefore, new ConfirmedTranscriptHashInput(WireFormat.MlsPublicMessage, framed, signature));
            var next = provisional with { ConfirmedTranscriptHash = confirmed };

            using var pskSecret = pskIds.Count == 0 ? null : PskSecret.Derive(suite, pskSecrets);
            secrets = EpochSecrets.FromInitSecret(suite, initSecret, path.CommitSecret, pskSecret, next);
            var tag = ConfirmationTag.Compute(suite, secrets.ConfirmationKey, confirmed);
            var message = new MLSMessage(new PublicMessage(framed, new FramedContentAuthData(signature, tag), null));
            var epoch = GroupEpoch.Begin(suite, next, tree, keys, secrets, tag);
            return (epoch, message);
        }
        catch
        {
            keys?.Dispose();
            secrets?.Dispose();
            throw;
        }
        finally
        {
            initSecret.Dispose();
            PskResolver.Dispose(pskSecrets);
        }
    }
}
