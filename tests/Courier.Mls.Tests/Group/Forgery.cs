using Courier.Mls.Crypto;
using Courier.Mls.Framing;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.SecretTree;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// What a malicious member can build with the keys it legitimately holds: content signed with its
/// own key, framed with the epoch's membership key or encrypted under the epoch's secret tree.
/// </summary>
internal static class Forgery
{
    public static byte[] PublicMessage(MlsGroup insider, FramedContent content, byte[]? confirmationTag = null, SignaturePrivateKey? signer = null)
    {
        var epoch = insider.CurrentEpoch;
        var signed = ContentAuthentication.Sign(epoch.Suite, WireFormat.MlsPublicMessage, content, epoch.Context, signer ?? insider.Signer, confirmationTag);
        return new MLSMessage(PublicMessageProtection.Protect(epoch.Suite, signed, epoch.Context, epoch.Secrets.MembershipKey.Span)).ToBytes();
    }

    /// <summary>Reframes a PublicMessage after its content or auth changed: a fresh signature and membership tag.</summary>
    public static byte[] Reframe(MlsGroup insider, PublicMessage original, FramedContent content, byte[]? confirmationTag)
        => PublicMessage(insider, content, confirmationTag ?? original.Auth.ConfirmationTag);

    public static byte[] PrivateMessage(MlsGroup insider, FramedContent content, SignaturePrivateKey? signer = null, int padding = 0)
    {
        var epoch = insider.CurrentEpoch;
        var signed = ContentAuthentication.Sign(epoch.Suite, WireFormat.MlsPrivateMessage, content, epoch.Context, signer ?? insider.Signer, content.ContentType == ContentType.Commit ? new byte[epoch.Suite.HashSize] : null);
        return new MLSMessage(PrivateMessageProtection.Protect(epoch.Suite, signed, epoch.SecretTree, epoch.Secrets.SenderDataSecret, padding, SystemRandom.Instance)).ToBytes();
    }

    public static FramedContent Application(MlsGroup insider, uint claimedSender, byte[] data)
        => FramedContent.Application(insider.GroupId, insider.Epoch, Sender.Member(claimedSender), [], data);

    public static FramedContent Proposal(MlsGroup insider, IProposalBody body)
        => FramedContent.ForProposal(insider.GroupId, insider.Epoch, Sender.Member(insider.OwnLeafIndex), [], new Proposal(body));

    public static FramedContent Commit(MlsGroup insider, Commit commit)
        => FramedContent.ForCommit(insider.GroupId, insider.Epoch, Sender.Member(insider.OwnLeafIndex), [], commit);

    /// <summary>
    /// A PrivateMessage whose content and sender data disagree on the reuse guard, or whose padding
    /// holds a non-zero byte: what a correct sender never writes.
    /// </summary>
    public static byte[] PrivateMessageByHand(MlsGroup insider, FramedContent content, uint contentGuard, uint senderDataGuard, byte[] padding)
    {
        var epoch = insider.CurrentEpoch;
        var suite = epoch.Suite;
        var signed = ContentAuthentication.Sign(suite, WireFormat.MlsPrivateMessage, content, epoch.Context, insider.Signer, null);
        var plaintext = new Courier.Mls.Codec.TlsWriter();
        content.EncodeBody(plaintext);
        signed.Auth.Encode(plaintext);
        plaintext.WriteFixed(padding);

        var aad = new Courier.Mls.Codec.TlsWriter();
        aad.WriteOpaque(content.GroupId);
        aad.WriteUInt64(content.Epoch);
        aad.WriteUInt8((byte)content.ContentType);
        var senderDataAad = aad.ToArray();
        aad.WriteOpaque(content.AuthenticatedData);

        using var key = epoch.SecretTree.NextSendKey(content.Sender.LeafIndex!.Value, RatchetType.Application);
        var nonce = key.Nonce.Span.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(nonce) ^ contentGuard);
        var ciphertext = suite.Aead.Seal(key.Key.Span, nonce, aad.Written, plaintext.Written);
        var senderData = Courier.Mls.Codec.TlsWriter.Encode(new SenderData(content.Sender.LeafIndex!.Value, key.Generation, senderDataGuard));
        using var senderDataKey = SenderDataKey.Derive(suite, epoch.Secrets.SenderDataSecret, ciphertext);
        var encryptedSenderData = suite.Aead.Seal(senderDataKey.Key.Span, senderDataKey.Nonce.Span, senderDataAad, senderData);
        return new MLSMessage(new PrivateMessage(content.GroupId, content.Epoch, content.ContentType, content.AuthenticatedData, encryptedSenderData, ciphertext)).ToBytes();
    }
}
