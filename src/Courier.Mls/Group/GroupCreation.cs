using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.KeySchedule;
using Courier.Mls.Messages;
using Courier.Mls.TranscriptHash;
using Courier.Mls.TreeKem;
using Courier.Mls.TreeSync;

namespace Courier.Mls.Group;

/// <summary>RFC 9420 §11: epoch 0 of a new group, with its creator as the only member.</summary>
internal static class GroupCreation
{
    public static GroupEpoch Create(byte[] groupId, KeyPackageBundle creator, IReadOnlyList<byte[]>? externalSenders, IRandom random)
    {
        var suite = Crypto.CipherSuite.Get(creator.CipherSuite);
        var tree = RatchetTree.Create(suite, creator.KeyPackage.LeafNode);
        var extensions = new List<Extension>();
        if (externalSenders is { Count: > 0 })
        {
            // §12.1.8.1: each external sender is named by its signature key; Courier gives it a basic credential with no identity.
            var writer = new TlsWriter();
            ExternalSender.EncodeList(writer, externalSenders.Select(key => new ExternalSender(key, Credential.Basic([]))).ToList());
            extensions.Add(new Extension(Extension.ExternalSenders, writer.ToArray()));
        }

        var context = new GroupContext((ushort)suite.Id, groupId, 0, tree.TreeHash(), [], extensions);
        using var initSecret = Secret.Zero(Crypto.CipherSuite.HashSize);
        random.Fill(initSecret.Writable);
        using var commitSecret = Secret.Zero(Crypto.CipherSuite.HashSize);
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
