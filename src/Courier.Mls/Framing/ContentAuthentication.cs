namespace Courier.Mls.Framing;

/// <summary>
/// RFC 9420 §6.1: the signature over FramedContentTBS that every framed message carries.
/// Member and new_member_commit senders also sign the GroupContext, which binds the signature to
/// one group and one epoch.
/// </summary>
internal static class ContentAuthentication
{
    public const string SignatureLabel = "FramedContentTBS";

    /// <summary>
    /// Signs <paramref name="content"/> for sending as <paramref name="wireFormat"/>;
    /// <paramref name="confirmationTag"/> is present exactly when the content is a commit.
    /// </summary>
    public static AuthenticatedContent Sign(
        CipherSuite suite,
        WireFormat wireFormat,
        FramedContent content,
        GroupContext context,
        SignaturePrivateKey signer,
        byte[]? confirmationTag)
    {
        var tbs = new FramedContentTBS(wireFormat, content, ContextFor(content, context));
        var signature = suite.SignWithLabel(signer, SignatureLabel, tbs.ToBytes());
        return new AuthenticatedContent(wireFormat, content, new FramedContentAuthData(signature, confirmationTag));
    }

    /// <summary>Verifies the signature with the sender's key, or rejects the message.</summary>
    public static void Verify(CipherSuite suite, AuthenticatedContent content, GroupContext context, ReadOnlySpan<byte> signaturePublicKey)
    {
        var tbs = new FramedContentTBS(content.WireFormat, content.Content, ContextFor(content.Content, context));
        if (!suite.VerifyWithLabel(signaturePublicKey, SignatureLabel, tbs.ToBytes(), content.Auth.Signature))
        {
            throw new MessageRejectedException(MlsCheck.Signature, "the signature does not verify with the sender's key");
        }
    }

    private static GroupContext? ContextFor(FramedContent content, GroupContext context)
        => FramedContentTBS.HasContext(content.Sender.SenderType) ? context : null;

    /// <summary>RFC 9420 §6: a message is processed only in the group and epoch it was sent in.</summary>
    public static void CheckGroupAndEpoch(ReadOnlySpan<byte> groupId, ulong epoch, GroupContext context)
    {
        if (!groupId.SequenceEqual(context.GroupId))
        {
            throw new MessageRejectedException(MlsCheck.GroupId, "the message belongs to another group");
        }

        if (epoch != context.Epoch)
        {
            throw new MessageRejectedException(MlsCheck.Epoch, $"the message is for epoch {epoch}, the group is in epoch {context.Epoch}");
        }
    }
}
