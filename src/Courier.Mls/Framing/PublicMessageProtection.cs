using System.Security.Cryptography;

namespace Courier.Mls.Framing;

/// <summary>
/// RFC 9420 §6.2: PublicMessage, signed but not encrypted, with a membership_tag that proves a
/// member sent it: <c>membership_tag = MAC(membership_key, AuthenticatedContentTBM)</c>.
/// </summary>
internal static class PublicMessageProtection
{
    /// <summary>Frames signed content as a PublicMessage. Application data is never sent this way (§6.3.1).</summary>
    public static PublicMessage Protect(CipherSuite suite, AuthenticatedContent content, GroupContext context, ReadOnlySpan<byte> membershipKey)
    {
        if (content.WireFormat != WireFormat.MlsPublicMessage)
        {
            throw new ArgumentException("The content was signed for another wire format.", nameof(content));
        }

        if (content.Content.ContentType == ContentType.Application)
        {
            throw new ArgumentException("Application data must be sent as a PrivateMessage (RFC 9420 §6.3.1).", nameof(content));
        }

        var tag = content.Content.Sender.SenderType == SenderType.Member
            ? MembershipTag(suite, content, context, membershipKey)
            : null;
        return new PublicMessage(content.Content, content.Auth, tag);
    }

    /// <summary>
    /// Checks group, epoch, membership tag and signature, in that order, and returns the
    /// authenticated content. Every failure is a <see cref="MessageRejectedException"/>.
    /// </summary>
    public static AuthenticatedContent Unprotect(
        CipherSuite suite,
        PublicMessage message,
        GroupContext context,
        ReadOnlySpan<byte> membershipKey,
        ReadOnlySpan<byte> signaturePublicKey)
    {
        ContentAuthentication.CheckGroupAndEpoch(message.Content.GroupId, message.Content.Epoch, context);
        if (message.Content.ContentType == ContentType.Application)
        {
            throw new MessageRejectedException(MlsCheck.ApplicationDataInPublicMessage, "application data arrived in a PublicMessage");
        }

        var content = message.ToAuthenticatedContent();
        if (message.MembershipTag is not null)
        {
            var expected = MembershipTag(suite, content, context, membershipKey);
            if (!CryptographicOperations.FixedTimeEquals(expected, message.MembershipTag))
            {
                throw new MessageRejectedException(MlsCheck.MembershipTag, "the membership tag does not verify");
            }
        }

        ContentAuthentication.Verify(suite, content, context, signaturePublicKey);
        return content;
    }

    private static byte[] MembershipTag(CipherSuite suite, AuthenticatedContent content, GroupContext context, ReadOnlySpan<byte> membershipKey)
    {
        var tbm = new AuthenticatedContentTBM(new FramedContentTBS(content.WireFormat, content.Content, context), content.Auth);
        return suite.Mac(membershipKey, tbm.ToBytes());
    }
}
