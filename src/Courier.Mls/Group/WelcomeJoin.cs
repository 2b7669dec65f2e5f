using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Group;

/// <summary>RFC 9420 §12.4.3.1: a new member builds its first epoch from a Welcome.</summary>
internal static class WelcomeJoin
{
    /// <summary>
    /// Joins as the member of <paramref name="bundle"/>; <paramref name="ratchetTree"/> is needed only when the
    /// Welcome's GroupInfo does not carry the ratchet_tree extension.
    /// </summary>
    public static GroupEpoch Join(Welcome welcome, KeyPackageBundle bundle, IReadOnlyList<Node?>? ratchetTree, PskResolver psks, ulong? now, ReInit? resumedReInit = null)
    {
        var suite = CipherSuite.Find(welcome.CipherSuite);
        if (suite is null || suite.Id != bundle.CipherSuite)
        {
            throw new MessageRejectedException(MlsCheck.WelcomeCipherSuite, "the Welcome's ciphersuite is not the KeyPackage's");
        }

        using var joined = WelcomeProcessing.Process(welcome, bundle, psks.Find);
        var groupInfo = joined.GroupInfo;
        var context = groupInfo.GroupContext;
        if (context.CipherSuite != welcome.CipherSuite)
        {
            throw new MessageRejectedException(MlsCheck.WelcomeCipherSuite, "the GroupInfo's ciphersuite is not the Welcome's");
        }

        CheckResumption(joined.GroupSecrets.Psks, context, resumedReInit);
        var tree = RatchetTree.FromNodes(suite, TreeOf(groupInfo, ratchetTree));
        VerifyTree(tree, context, now);

        var signer = tree.GetLeaf(groupInfo.Signer)
            ?? throw new MessageRejectedException(MlsCheck.GroupInfoSignature, "the GroupInfo's signer is a blank leaf");
        GroupInfoSigning.Verify(suite, groupInfo, signer.SignatureKey);

        // The encryption key first, so that only a likely match is compared by its encoding.
        var own = bundle.KeyPackage.LeafNode;
        var ownLeaf = tree.Leaves.Where(l => l.Leaf.EncryptionKey.AsSpan().SequenceEqual(own.EncryptionKey) && l.Leaf.Equals(own)).Select(l => (uint?)l.LeafIndex).FirstOrDefault()
            ?? throw new MessageRejectedException(MlsCheck.OwnLeafNotFound, "the tree has no leaf for this member's KeyPackage");

        var privateKeys = TreeKemPrivateKeys.FromPathSecret(tree, ownLeaf, groupInfo.Signer, joined.GroupSecrets.PathSecret, bundle.EncryptionKey.Copy());
        EpochSecrets? secrets = null;
        try
        {
            secrets = EpochSecrets.FromJoinerSecret(suite, joined.GroupSecrets.JoinerSecret, joined.PskSecret, context);
            if (!ConfirmationTag.Verify(suite, secrets.ConfirmationKey, context.ConfirmedTranscriptHash, groupInfo.ConfirmationTag))
            {
                throw new MessageRejectedException(MlsCheck.ConfirmationTag, "the GroupInfo's confirmation tag does not verify");
            }

            return GroupEpoch.Begin(suite, context, tree, privateKeys, secrets, groupInfo.ConfirmationTag);
        }
        catch
        {
            privateKeys.Dispose();
            secrets?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// §11.2, §11.3: a branch or reinit PSK may only start a new group's first epoch, and a reinit's
    /// group must have the group id, version, ciphersuite and extensions the old group's ReInit named.
    /// </summary>
    private static void CheckResumption(IReadOnlyList<PreSharedKeyID> psks, GroupContext context, ReInit? resumedReInit)
    {
        foreach (var psk in psks.Where(p => p.PskType == PSKType.Resumption && p.Usage != ResumptionPSKUsage.Application))
        {
            if (context.Epoch != 1)
            {
                throw new MessageRejectedException(MlsCheck.ResumptionPskUsage, "a branch or reinit PSK in a Welcome to an epoch other than 1");
            }

            if (psk.Usage == ResumptionPSKUsage.Reinit
                && (resumedReInit is null
                    || !resumedReInit.GroupId.AsSpan().SequenceEqual(context.GroupId)
                    || resumedReInit.Version != GroupContext.Mls10
                    || resumedReInit.CipherSuite != context.CipherSuite
                    || !resumedReInit.Extensions.SequenceEqual(context.Extensions)))
            {
                throw new MessageRejectedException(MlsCheck.ResumptionPskUsage, "the reinitialized group does not match the ReInit proposal");
            }
        }
    }

    /// <summary>§12.4.3.3: the tree comes from the ratchet_tree extension or out of band.</summary>
    internal static IReadOnlyList<Node?> TreeOf(GroupInfo groupInfo, IReadOnlyList<Node?>? outOfBand)
    {
        var extension = groupInfo.Extensions.FirstOrDefault(e => e.ExtensionType == Extension.RatchetTree);
        if (extension is not null)
        {
            return TlsReader.Decode(extension.ExtensionData, "ratchet_tree", Node.DecodeRatchetTree);
        }

        return outOfBand ?? throw new MessageRejectedException(MlsCheck.MissingRatchetTree, "the GroupInfo carries no ratchet tree and none was given");
    }

    /// <summary>§12.4.3.1: the tree hash matches the GroupContext, parent hashes verify, every leaf is valid.</summary>
    internal static void VerifyTree(RatchetTree tree, GroupContext context, ulong? now)
    {
        tree.VerifyTreeHash(context.TreeHash);
        tree.VerifyParentHashes();
        LeafNodeValidation.ValidateTree(tree, context, now);
    }
}
