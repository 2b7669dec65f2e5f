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


    /// <summary>RFC 9420 §12.1.5: a ReInit proposal names an older protocol version.</summary>
    ReInitVersion,

    /// <summary>RFC 9420 §12.4: the commit's proposals require a path, and it has none.</summary>
    PathRequired,




    /// <summary>RFC 9420 §12.4.3.1: the ratchet tree has no leaf for the joiner's KeyPackage.</summary>
    OwnLeafNotFound,

    /// <summary>RFC 9420 §12.4.3.3: the GroupInfo carries no ratchet tree and none was supplied.</summary>
    MissingRatchetTree,

    /// <summary>RFC 9420 §10, §10.1: a KeyPackage's version is not mls10 (the version of the group and of the MLSMessage).</summary>
    KeyPackageVersion,

    /// <summary>RFC 9420 §10.1: a KeyPackage's cipher_suite is not the group's.</summary>
    KeyPackageCipherSuite,

    /// <summary>RFC 9420 §10: a KeyPackage's signature over KeyPackageTBS does not verify with its leaf's signature_key.</summary>
    KeyPackageSignature,

    /// <summary>RFC 9420 §10: a KeyPackage's init_key is not a public key of the ciphersuite's KEM (an X25519 key is 32 bytes).</summary>
    KeyPackageInitKey,

    /// <summary>RFC 9420 §10.1: a KeyPackage's init_key equals its leaf_node.encryption_key.</summary>
    InitKeyEqualsEncryptionKey,


    /// <summary>RFC 9420 §12.4.3: a GroupInfo's signature over GroupInfoTBS does not verify with the signer's key.</summary>
    GroupInfoSignature,

    /// <summary>RFC 9420 §12.4.3.1: a Welcome has no EncryptedGroupSecrets for our KeyPackageRef.</summary>
    WelcomeNotForUs,

    /// <summary>RFC 9420 §12.4.3.1: a Welcome's cipher_suite is not the one of the KeyPackage it is for.</summary>
    WelcomeCipherSuite,

    /// <summary>RFC 9420 §12.4.3.1: the GroupInfo of a Welcome is of another ciphersuite than the KeyPackage it is for.</summary>
    GroupInfoCipherSuite,

    /// <summary>
    /// RFC 9420 §8, §12.4.3.1: a decrypted GroupSecrets holds a joiner_secret or path_secret that is not KDF.Nh bytes
    /// (the key schedule and the tree derive both as KDF.Nh-byte secrets).
    /// </summary>
    GroupSecretsLength,

    /// <summary>RFC 9420 §12.4.3.1: a Welcome names a PSK we do not hold.</summary>
    MissingPsk,

    /// <summary>RFC 9420 §12.4.3.1: a Welcome names more than one resumption PSK with usage reinit or branch.</summary>
    ResumptionPskUsage,

    /// <summary>RFC 9420 §12.4.3.2: a GroupInfo's external_pub is not a valid HPKE public key of the ciphersuite.</summary>
    ExternalPub,

    /// <summary>RFC 9420 §8.3, §12.1.6: the kem_output of an ExternalInit proposal is not a valid encapsulation to the group's external key.</summary>
    ExternalInitKemOutput,
    /// <summary>
    /// RFC 9420 §12.4.3.3, §7.1: a ratchet tree's node array is malformed: empty, a blank last node,
    /// a parent node at a leaf position (even index) or a leaf node at a parent position (odd index).
    /// </summary>
    TreeStructure,

    /// <summary>
    /// RFC 9420 §7.1, §12.4.3.1: a parent's unmerged_leaves is not strictly increasing, or names a leaf
    /// that is blank or not below the parent, or a non-blank node between that leaf and the parent
    /// does not list the leaf too.
    /// </summary>
    UnmergedLeaves,

    /// <summary>RFC 9420 §7.8, §12.4.3.1: the tree hash of the ratchet tree differs from the one the group agreed on.</summary>
    TreeHash,

    /// <summary>
    /// RFC 9420 §7.9.2: a non-blank parent node is not parent-hash valid (no descendant, or more than
    /// one, chains to it), or a committer's leaf parent_hash differs from the one its UpdatePath implies.
    /// </summary>
    ParentHash,

    /// <summary>RFC 9420 §7.3: the signature of a LeafNode over LeafNodeTBS does not verify.</summary>
    LeafSignature,

    /// <summary>
    /// RFC 9420 §7.2, §7.3, §11.1: a LeafNode's capabilities lack the group's protocol version or
    /// cipher suite, a required_capabilities entry, or a non-default extension the leaf itself carries.
    /// </summary>
    LeafCapabilities,

    /// <summary>
    /// RFC 9420 §7.2, §7.3: a LeafNode's credential type is not in its own capabilities, is not supported
    /// by every member, or the leaf does not support a credential type a member uses.
    /// </summary>
    CredentialType,

    /// <summary>
    /// RFC 9420 §5.3: the end-entity certificate of a LeafNode's x509 credential is missing, cannot be
    /// read, or does not carry the LeafNode's signature_key.
    /// </summary>
    X509CredentialKey,

    /// <summary>RFC 9420 §7.3: the current time is outside a LeafNode's lifetime.</summary>
    LeafLifetime,

    /// <summary>RFC 9420 §7.3: a LeafNode's leaf_node_source does not fit where it appears (KeyPackage, Update or Commit).</summary>
    LeafSource,

    /// <summary>
    /// RFC 9420 §7.3, §12.1.2, §12.4.2, §12.4.3.1: an HPKE encryption key appears twice in the tree, or a
    /// new leaf or UpdatePath key equals a key already in the tree (including the leaf it replaces).
    /// </summary>
    DuplicateEncryptionKey,

    /// <summary>RFC 9420 §7.3: a LeafNode's signature_key is already used by another member.</summary>
    DuplicateSignatureKey,

    /// <summary>RFC 9420 §5.1.1: an HPKE public key in a node or an UpdatePath is not Npk (32) bytes long.</summary>
    HpkePublicKey,

    /// <summary>RFC 9420 §7.6, §12.4.2: an UpdatePath has not exactly one node per node of the sender's filtered direct path.</summary>
    PathLength,

    /// <summary>
    /// RFC 9420 §7.6: an UpdatePathNode has not exactly one encrypted_path_secret per node of the copath
    /// child's resolution (excluding members added by the commit).
    /// </summary>
    PathCiphertextCount,

    /// <summary>RFC 9420 §7.5, §12.4.2: the path secret addressed to this member does not decrypt.</summary>
    PathDecryption,

    /// <summary>
    /// RFC 9420 §7.5, §12.4.3.1: a public key derived from a received path secret differs from the
    /// public key the UpdatePath (or the tree of a Welcome) holds for that node.
    /// </summary>
    PathPublicKeyMismatch,
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
