namespace Courier.Mls;

/// <summary>
/// The receiver checks of RFC 9420, each with an id. A rejected message names the check it
/// failed in <see cref="MessageRejectedException.Check"/>, and each check has a test that feeds a
/// message violating it (the test's name carries the id).
/// </summary>
public enum MlsCheck
{
    /// <summary>RFC 9420 §6: the message is for another group.</summary>
    GroupId = 1,

    /// <summary>RFC 9420 §6: the message is for another epoch.</summary>
    Epoch,

    /// <summary>RFC 9420 §6.1: the signature over FramedContentTBS does not verify.</summary>
    Signature,

    /// <summary>RFC 9420 §6.2: the membership_tag of a member's PublicMessage does not verify.</summary>
    MembershipTag,

    /// <summary>RFC 9420 §6.1, §8.2: the confirmation_tag of a commit does not verify.</summary>
    ConfirmationTag,

    /// <summary>RFC 9420 §6.3.1: application data MUST be sent as a PrivateMessage.</summary>
    ApplicationDataInPublicMessage,

    /// <summary>RFC 9420 §6.3.1: the content or sender data does not decrypt.</summary>
    Decryption,

    /// <summary>RFC 9420 §6.3.1: the padding of PrivateMessageContent holds a non-zero byte.</summary>
    Padding,

    /// <summary>RFC 9420 §6.3.2: the sender data names a leaf that is outside the tree or blank.</summary>
    SenderLeaf,

    /// <summary>RFC 9420 §9.2: the generation was already consumed, or is too far ahead.</summary>
    Generation,

    /// <summary>RFC 9420 §6.3.1: a PrivateMessage may only be sent by a member.</summary>
    SenderType,
}

/// <summary>A message from the network failed one of the receiver checks of RFC 9420.</summary>
public sealed class MessageRejectedException : Exception
{
    /// <summary>Creates the rejection for <paramref name="check"/>.</summary>
    public MessageRejectedException(MlsCheck check, string detail)
        : base($"Message rejected ({check}): {detail}")
    {
        Check = check;
    }

    /// <summary>The check the message failed.</summary>
    public MlsCheck Check { get; }
}
