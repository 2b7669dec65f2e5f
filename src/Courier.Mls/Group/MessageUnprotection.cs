namespace Courier.Mls.Group;

/// <summary>
/// Turns a PublicMessage or PrivateMessage of the current epoch into verified content: the
/// signature is checked with the key RFC 9420 §6.1 assigns to the sender type, and content types are
/// checked against sender types.
/// </summary>
internal static class MessageUnprotection
{
    public static AuthenticatedContent Unprotect(GroupEpoch epoch, MLSMessage message)
    {
        if (message.PrivateMessage is { } privateMessage)
        {
            return PrivateMessageProtection.Unprotect(
                epoch.Suite,
                privateMessage,
                epoch.Context,
                epoch.SecretTree,
                epoch.Secrets.SenderDataSecret,
                leaf => epoch.Tree.GetLeaf(leaf)?.SignatureKey);
        }

        var publicMessage = message.PublicMessage
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, $"a {message.WireFormat} is not a framed message of the group");
        var content = publicMessage.Content;
        var signatureKey = content.Sender.SenderType switch
        {
            SenderType.Member => MemberKey(epoch, content.Sender.LeafIndex!.Value),
            SenderType.External => ExternalSenderKey(epoch, content),
            SenderType.NewMemberProposal => content.Proposal?.Body is Add add
                ? add.KeyPackage.LeafNode.SignatureKey
                : throw new MessageRejectedException(MlsCheck.SenderType, "a new_member_proposal sender may only send an Add proposal"),
            _ => content.Commit?.Path is { } path
                ? path.LeafNode.SignatureKey
                : throw new MessageRejectedException(MlsCheck.SenderType, "a new_member_commit sender may only send a commit with a path"),
        };
        return PublicMessageProtection.Unprotect(epoch.Suite, publicMessage, epoch.Context, epoch.Secrets.MembershipKey.Span, signatureKey);
    }

    private static byte[] MemberKey(GroupEpoch epoch, uint leaf)
        => (leaf < epoch.Tree.LeafCount ? epoch.Tree.GetLeaf(leaf)?.SignatureKey : null)
           ?? throw new MessageRejectedException(MlsCheck.SenderLeaf, "the sender is a blank leaf or outside the tree");

    /// <summary>§12.1.8: external senders are listed in the GroupContext and send only proposals.</summary>
    private static byte[] ExternalSenderKey(GroupEpoch epoch, FramedContent content)
    {
        if (content.ContentType != ContentType.Proposal)
        {
            throw new MessageRejectedException(MlsCheck.SenderType, "an external sender may only send proposals");
        }

        var senders = epoch.ExternalSenders;
        var index = content.Sender.SenderIndex!.Value;
        return index < senders.Count
            ? senders[(int)index].SignatureKey
            : throw new MessageRejectedException(MlsCheck.SenderLeaf, "the external sender index is not in the group's external_senders");
    }
}
