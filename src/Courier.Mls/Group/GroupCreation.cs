using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Group;

/// <summary>RFC 9420 §11: epoch 0 of a new group, with its creator as the only member.</summary>
internal static class GroupCreation
{
    /// <summary>
    /// Epoch 0 with the GroupContext <paramref name="extensions"/> (a reinit's, §11.2, or a branch's),
    /// plus an external_senders extension for <paramref name="externalSenders"/>; the creator must
    /// support every extension and meet the required_capabilities (§12.1.7).
    /// </summary>
    public static GroupEpoch Create(byte[] groupId, KeyPackageBundle creator, IReadOnlyList<byte[]>? externalSenders, IRandom random, IReadOnlyList<Extension>? extensions = null)
    {
        var suite = Crypto.CipherSuite.Get(creator.CipherSuite);
        var tree = RatchetTree.Create(suite, creator.KeyPackage.LeafNode);
        extensions = [.. extensions ?? []];
        var leaf = creator.KeyPackage.LeafNode;
        if (extensions.Any(e => !LeafNodeValidation.IsDefaultExtension(e.ExtensionType) && !leaf.Capabilities.Extensions.Contains(e.ExtensionType)))
        {
            throw new MessageRejectedException(MlsCheck.LeafCapabilities, "the creator does not support an extension of the new group");
        }

        if (LeafNodeValidation.RequiredCapabilitiesOf(extensions) is { } required)
        {
            LeafNodeValidation.ValidateTree(tree, groupId, required, null);
        }

        if (externalSenders is { Count: > 0 })
        {
            // §12.1.8.1: each external sender is named by its signature key; Courier gives it a basic credential with no identity.
            var writer = new TlsWriter();
            ExternalSender.EncodeList(writer, externalSenders.Select(key => new ExternalSender(key, Credential.Basic([]))).ToList());
            extensions = [.. extensions.Where(e => e.ExtensionType != Extension.ExternalSenders), new Extension(Extension.ExternalSenders, writer.ToArray())];
        }

        var context = new GroupContext((ushort)suite.Id, groupId, 0, tree.TreeHash(), [], extensions);
        using var initSecret = Secret.Zero(suite.HashSize);
        random.Fill(initSecret.Writable);
        using var commitSecret = Secret.Zero(suite.HashSize);
        var secrets = EpochSecrets.FromInitSecret(suite, initSecret, commitSecret, null, context);
        var privateKeys = TreeKemPrivateKeys.FromLeafKey(0, creator.EncryptionKey.Copy());
        try
        {
            var tag = ConfirmationTag.Compute(suite, secrets.ConfirmationKey, context.ConfirmedTranscriptHash);
            return GroupEpoch.Begin(suite, context, tree, privateKeys, secrets, tag);
        }
        catch
        {
            secrets.Dispose();
            privateKeys.Dispose();
            throw;
        }
    }
}
