using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Group;

/// <summary>What a committer sends, and the epoch it moves to once the commit is accepted.</summary>
internal sealed record CreatedCommit(MLSMessage Commit, MLSMessage? Welcome, GroupInfo GroupInfo, GroupEpoch Staged);

/// <summary>
/// RFC 9420 §12.4.1, "Creating a Commit". Courier always sends a full commit (with an UpdatePath),
/// which gives post-compromise security for the committer on every commit.
/// </summary>
internal static class CommitCreation
{
    public static CreatedCommit Create(
        GroupEpoch epoch,
        SignaturePrivateKey signer,
        IReadOnlyList<Proposal> byValue,
        LeafNodeTemplate leafTemplate,
        CommitSettings options,
        PskResolver psks,
        IRandom random,
        ulong? now,
        SignaturePrivateKey? leafSigner = null)
    {
        // The content is signed with the key the others hold for this leaf (§6.1); a new leaf and the GroupInfo of the epoch it starts with the leaf's own key.
        leafSigner ??= signer;
        var suite = epoch.Suite;
        var committer = Sender.Member(epoch.OwnLeaf);
        // §12.2: the committer's own Updates are superseded by its path, and may not be committed.
        var proposals = epoch.Proposals
            .Where(p => !(p.Proposal.Body is Update && p.Sender.LeafIndex == epoch.OwnLeaf))
            .Select(p => new ProposalOrRef(p.Reference))
            .Concat(byValue.Select(p => new ProposalOrRef(p)))
            .ToList();
        var list = ProposalList.Resolve(epoch, proposals, committer);
        list.Validate(epoch, committer, now, options.ResumptionUsage);
        var pskSecrets = psks.Resolve(epoch, list.PskIds);
        var tree = epoch.Tree.Clone();
        TreeKemPrivateKeys? ownKeys = null;
        EpochSecrets? secrets = null;
        try
        {
            var applied = list.Apply(epoch, tree);

            // The committer's new path replaces every key it held: its keys are the path's.
            using var path = TreeKemOperations.PreparePath(tree, epoch.OwnLeaf, epoch.GroupId, leafSigner, leafTemplate, random);
            ownKeys = path.ToPrivateKeys();
            var provisional = epoch.Context with { Epoch = epoch.Epoch + 1, TreeHash = tree.TreeHash(), Extensions = applied.Extensions };
            var excluded = applied.Added.Select(a => a.Leaf).ToHashSet();
            var updatePath = TreeKemOperations.EncryptPath(path, tree, provisional, excluded, random);

            var framed = FramedContent.ForCommit(epoch.GroupId, epoch.Epoch, committer, options.AuthenticatedData, new Commit(proposals, updatePath));
            // The signature covers FramedContentTBS, not the confirmation tag, which is known only
            // after the key schedule; a placeholder of the right size stands in until then.
            var signature = ContentAuthentication.Sign(suite, options.WireFormat, framed, epoch.Context, signer, new byte[suite.HashSize]).Auth.Signature;
            var confirmed = TranscriptHashes.NextConfirmed(suite, epoch.InterimTranscriptHash, new ConfirmedTranscriptHashInput(options.WireFormat, framed, signature));
            var context = provisional with { ConfirmedTranscriptHash = confirmed };

            using var pskSecret = PskSecret.Derive(suite, pskSecrets);
            secrets = EpochSecrets.FromInitSecret(suite, epoch.Secrets.InitSecret, path.CommitSecret, pskSecret, context);
            var tag = ConfirmationTag.Compute(suite, secrets.ConfirmationKey, confirmed);
            var content = new AuthenticatedContent(options.WireFormat, framed, new FramedContentAuthData(signature, tag));

            var message = options.WireFormat == WireFormat.MlsPrivateMessage
                ? new MLSMessage(PrivateMessageProtection.Protect(suite, content, epoch.SecretTree, epoch.Secrets.SenderDataSecret, options.Padding, random))
                : new MLSMessage(PublicMessageProtection.Protect(suite, content, epoch.Context, epoch.Secrets.MembershipKey.Span));

            var groupInfo = GroupInfoSigning.Sign(suite, new GroupInfoTBS(context, GroupInfoExtensions(suite, tree, secrets, options), tag, epoch.OwnLeaf), leafSigner);
            var welcome = applied.Added.Count == 0
                ? null
                : new MLSMessage(WelcomeBuilder.Build(
                    suite,
                    groupInfo,
                    secrets.JoinerSecret,
                    pskSecrets,
                    applied.Added.Select(a => new WelcomeRecipient(a.KeyPackage, path.JoinerPathSecret(a.Leaf))).ToList(),
                    random));

            var staged = GroupEpoch.Begin(suite, context, tree, ownKeys, secrets, tag, epoch, applied.ReInit);
            return new CreatedCommit(message, welcome, groupInfo, staged);
        }
        catch
        {
            ownKeys?.Dispose();
            secrets?.Dispose();
            throw;
        }
        finally
        {
            PskResolver.Dispose(pskSecrets);
        }
    }

    /// <summary>§12.4.3.3 ratchet_tree (so joiners need nothing else) and §12.4.3.2 external_pub (so outsiders can join by external commit).</summary>
    internal static List<Extension> GroupInfoExtensions(CipherSuite suite, TreeSync.RatchetTree tree, EpochSecrets secrets, CommitSettings options)
    {
        var extensions = new List<Extension>();
        if (options.RatchetTreeInGroupInfo)
        {
            var writer = new Codec.TlsWriter();
            Node.EncodeRatchetTree(writer, tree.ToNodes());
            extensions.Add(new Extension(Extension.RatchetTree, writer.ToArray()));
        }

        extensions.Add(ExternalInitialization.ExternalPubExtension(suite, secrets.ExternalSecret));
        return extensions;
    }
}

/// <summary>How a commit is framed.</summary>
internal sealed record CommitSettings
{
    public static CommitSettings Default { get; } = new();

    /// <summary>Handshake messages go out encrypted unless a delivery service must read them (§6).</summary>
    public WireFormat WireFormat { get; init; } = WireFormat.MlsPrivateMessage;

    public byte[] AuthenticatedData { get; init; } = [];

    public int Padding { get; init; }

    public bool RatchetTreeInGroupInfo { get; init; } = true;

    /// <summary>The usage resumption PSKs must have: branch or reinit only in a new group's first commit (§11.2, §11.3).</summary>
    public ResumptionPSKUsage ResumptionUsage { get; init; } = ResumptionPSKUsage.Application;
}
