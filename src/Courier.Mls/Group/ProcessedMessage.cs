namespace Courier.Mls.Group;

/// <summary>What kind of content a processed message carried.</summary>
public enum ProcessedKind
{
    /// <summary>Application data, decrypted and authenticated.</summary>
    Application,

    /// <summary>A proposal, validated and kept for a later commit.</summary>
    Proposal,

    /// <summary>A commit, validated and staged: the group moves to its epoch once it is merged.</summary>
    Commit,
}

/// <summary>The result of <see cref="MlsGroup.Process"/>.</summary>
public sealed class ProcessedMessage
{
    internal ProcessedMessage(ProcessedKind kind, uint? senderLeaf, byte[]? applicationData, byte[] authenticatedData, ulong epoch, StagedCommit? stagedCommit)
    {
        StagedCommit = stagedCommit;
        Kind = kind;
        SenderLeaf = senderLeaf;
        ApplicationData = applicationData;
        AuthenticatedData = authenticatedData;
        Epoch = epoch;
    }

    /// <summary>What the message carried.</summary>
    public ProcessedKind Kind { get; }

    /// <summary>The sender's leaf index, or null for a sender outside the group.</summary>
    public uint? SenderLeaf { get; }

    /// <summary>The application data, for <see cref="ProcessedKind.Application"/>.</summary>
    public byte[]? ApplicationData { get; }

    /// <summary>The sender's authenticated but unencrypted data.</summary>
    public byte[] AuthenticatedData { get; }

    /// <summary>The epoch of the content; for a commit, the epoch it moves the group to once merged.</summary>
    public ulong Epoch { get; }

    /// <summary>
    /// For <see cref="ProcessedKind.Commit"/>, the staged commit to pass to <see cref="MlsGroup.Merge"/>;
    /// null for this member's external commit coming back (the joiner is in its epoch already).
    /// </summary>
    public StagedCommit? StagedCommit { get; }
}

/// <summary>A member of the group as the tree shows it.</summary>
/// <param name="LeafIndex">The member's leaf index.</param>
/// <param name="Identity">The identity of its basic credential: in Courier, the member's code name in this cell.</param>
/// <param name="SignatureKey">The member's signature public key in this group.</param>
public sealed record GroupMember(uint LeafIndex, byte[] Identity, byte[] SignatureKey);

/// <summary>What a commit produced, to be sent; the group moves on only once the commit comes back through <see cref="MlsGroup.Process"/> and is merged.</summary>
/// <param name="Commit">The MLSMessage carrying the commit, for every current member.</param>
/// <param name="Welcome">The MLSMessage(Welcome) for the members it adds, if any.</param>
/// <param name="GroupInfo">The signed MLSMessage(GroupInfo) of the new epoch.</param>
public sealed record CommitResult(byte[] Commit, byte[]? Welcome, byte[] GroupInfo)
{
    /// <summary>
    /// The new epoch's ratchet tree, for joiners that get it out of band (RFC 9420 §12.4.3.3):
    /// set when the commit was made without the tree in its GroupInfo, null otherwise.
    /// </summary>
    public byte[]? RatchetTree { get; init; }
}

/// <summary>What <see cref="MlsGroup.Branch"/> and <see cref="MlsGroup.ReInitialize"/> produced.</summary>
/// <param name="Group">The new group, in its first epoch with the added members.</param>
/// <param name="Welcome">The MLSMessage(Welcome) for the added members, or null if none was added.</param>
public sealed record ResumedGroup(MlsGroup Group, byte[]? Welcome);

/// <summary>What <see cref="MlsGroup.JoinExternally"/> produced.</summary>
/// <param name="Group">The joiner's group, already in the new epoch.</param>
/// <param name="Commit">The external commit (an MLSMessage), for the group's delivery service.</param>
public sealed record ExternalJoinResult(MlsGroup Group, byte[] Commit);
