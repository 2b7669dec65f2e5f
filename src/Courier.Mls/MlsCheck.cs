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

    /// <summary>RFC 9420 §6: the message's wire format is not one this operation accepts.</summary>
    WireFormat,

    /// <summary>RFC 9420 §12.1: a sender type sent a proposal type it may not send (§12.1.8, §6.1).</summary>
    ProposalSender,

    /// <summary>RFC 9420 §12.4: a commit refers to a proposal the receiver does not hold.</summary>
    UnknownProposalReference,

    /// <summary>RFC 9420 §12.2: a commit covers an Update proposal from the committer.</summary>
    CommitterUpdate,

    /// <summary>RFC 9420 §12.2: a commit removes the committer.</summary>
    CommitterRemoved,

    /// <summary>RFC 9420 §12.2: two Update or Remove proposals apply to the same leaf.</summary>
    DuplicateLeafChange,

    /// <summary>RFC 9420 §12.2: two Add proposals add the same client.</summary>
    DuplicateAdd,

    /// <summary>RFC 9420 §12.2: an Add proposal adds a client already in the group.</summary>
    AddOfExistingMember,

    /// <summary>RFC 9420 §12.2: two PreSharedKey proposals name the same PSK.</summary>
    DuplicatePsk,

    /// <summary>RFC 9420 §12.2: more than one GroupContextExtensions proposal.</summary>
    MultipleGroupContextExtensions,

    /// <summary>RFC 9420 §12.2: a ReInit proposal is committed with other proposals.</summary>
    ReInitNotAlone,

    /// <summary>RFC 9420 §12.2: a regular commit covers an ExternalInit proposal.</summary>
    ExternalInitInRegularCommit,

    /// <summary>RFC 9420 §12.2, §12.4.3.2: an external commit's proposals are not one ExternalInit, at most one Remove and PSKs, all by value.</summary>
    ExternalCommitProposals,

    /// <summary>RFC 9420 §12.1.3: a Remove proposal names a blank leaf or one outside the tree.</summary>
    RemoveBlankLeaf,

    /// <summary>RFC 9420 §12.1.4: a PreSharedKey proposal's psk_nonce is not KDF.Nh bytes.</summary>
    PskNonceLength,

    /// <summary>RFC 9420 §12.1.4: a resumption PSK with a usage not allowed here.</summary>
    PskUsage,

    /// <summary>RFC 9420 §12.4.2: a PSK the commit or Welcome names is not available.</summary>
    MissingPsk,

    /// <summary>RFC 9420 §12.1.5: a ReInit proposal names an older protocol version.</summary>
    ReInitVersion,

    /// <summary>RFC 9420 §12.4: the commit's proposals require a path, and it has none.</summary>
    PathRequired,

    /// <summary>RFC 9420 §12.4.2: the committer's new leaf reuses its current encryption key.</summary>
    CommitterEncryptionKeyReused,

    /// <summary>RFC 9420 §12.4.2: a public key of the UpdatePath already appears in the tree.</summary>
    PathKeyInTree,

    /// <summary>RFC 9420 §12.4.3.1: the Welcome's ciphersuite is not the KeyPackage's, or the GroupInfo's not the Welcome's.</summary>
    WelcomeCipherSuite,

    /// <summary>RFC 9420 §12.4.3.1: the ratchet tree has no leaf for the joiner's KeyPackage.</summary>
    OwnLeafNotFound,

    /// <summary>RFC 9420 §12.4.3.3: the GroupInfo carries no ratchet tree and none was supplied.</summary>
    MissingRatchetTree,

    /// <summary>RFC 9420 §12.4.3.1: the ratchet tree's hash is not the GroupContext's tree_hash.</summary>
    TreeHash,
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
