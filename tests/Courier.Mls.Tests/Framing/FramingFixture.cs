using Courier.Mls.Crypto;
using Courier.Mls.Framing;
using Courier.Mls.Messages;
using Courier.Mls.SecretTree;

namespace Courier.Mls.Tests.Framing;

/// <summary>A two-member epoch: leaf 0 and leaf 1 with their own signing keys and shared epoch secrets.</summary>
internal sealed class FramingFixture : IDisposable
{
    public FramingFixture(CipherSuiteId suiteId)
    {
        Suite = CipherSuite.Get(suiteId);
        Context = new GroupContext((ushort)suiteId, "group"u8.ToArray(), 5, new byte[Suite.HashSize], new byte[Suite.HashSize], []);
        Signers = [SignaturePrivateKey.Generate(SystemRandom.Instance, suiteId), SignaturePrivateKey.Generate(SystemRandom.Instance, suiteId)];
        MembershipKey = RandomBytes(Suite.HashSize);
        SenderDataSecret = Secret.Copy(RandomBytes(Suite.HashSize));
        EncryptionSecret = RandomBytes(Suite.HashSize);
    }

    public CipherSuite Suite { get; }

    public GroupContext Context { get; }

    public SignaturePrivateKey[] Signers { get; }

    public byte[] MembershipKey { get; }

    public Secret SenderDataSecret { get; }

    public byte[] EncryptionSecret { get; }

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        SystemRandom.Instance.Fill(bytes);
        return bytes;
    }

    public EncryptionSecretTree NewSecretTree()
    {
        using var secret = Secret.Copy(EncryptionSecret);
        return new EncryptionSecretTree(Suite, secret, 2);
    }

    public byte[]? SignatureKeyOf(uint leaf) => leaf < Signers.Length ? Signers[leaf].PublicKey : null;

    public FramedContent Application(uint sender, byte[] data, GroupContext? context = null)
    {
        var c = context ?? Context;
        return FramedContent.Application(c.GroupId, c.Epoch, Sender.Member(sender), [], data);
    }

    public FramedContent RemoveProposal(uint sender, uint removed)
        => FramedContent.ForProposal(Context.GroupId, Context.Epoch, Sender.Member(sender), [], new Proposal(new Remove(removed)));

    public AuthenticatedContent Sign(WireFormat wireFormat, FramedContent content, uint signer)
        => ContentAuthentication.Sign(Suite, wireFormat, content, Context, Signers[signer], content.ContentType == ContentType.Commit ? new byte[Suite.HashSize] : null);

    public PrivateMessage SendPrivate(EncryptionSecretTree tree, FramedContent content, uint signer, int padding = 0)
        => PrivateMessageProtection.Protect(Suite, Sign(WireFormat.MlsPrivateMessage, content, signer), tree, SenderDataSecret, padding, SystemRandom.Instance);

    public AuthenticatedContent ReceivePrivate(EncryptionSecretTree tree, PrivateMessage message)
        => PrivateMessageProtection.Unprotect(Suite, message, Context, tree, SenderDataSecret, SignatureKeyOf);

    public void Dispose()
    {
        foreach (var signer in Signers)
        {
            signer.Dispose();
        }

        SenderDataSecret.Dispose();
    }
}
