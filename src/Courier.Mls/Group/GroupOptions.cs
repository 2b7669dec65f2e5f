namespace Courier.Mls.Group;

/// <summary>How <see cref="MlsGroup.Create"/> sets up a new group.</summary>
public sealed record CreateOptions
{
    /// <summary>
    /// The external_senders extension of the first GroupContext (§12.1.8.1): the signature public
    /// keys of senders outside the group that may propose; empty for none.
    /// </summary>
    public IReadOnlyList<byte[]>? ExternalSenders { get; init; }
}

/// <summary>How <see cref="MlsGroup.JoinFromWelcome"/> joins.</summary>
public sealed record JoinOptions
{
    /// <summary>The ratchet tree, needed only when the Welcome's GroupInfo carries none (§12.4.3.3).</summary>
    public byte[]? RatchetTree { get; init; }

    /// <summary>The external PSKs (id, secret) the group may use (§8.4); the group keeps copies.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> ExternalPsks { get; init; } = [];

    /// <summary>
    /// The group a branch or reinit continues (§11.2, §11.3): its resumption PSK proves the new
    /// group's members were members of the old one.
    /// </summary>
    public MlsGroup? ResumedFrom { get; init; }
}

/// <summary>How <see cref="MlsGroup.JoinExternally"/> joins.</summary>
public sealed record ExternalJoinOptions
{
    /// <summary>The ratchet tree, needed only when the GroupInfo carries none (§12.4.3.3).</summary>
    public byte[]? RatchetTree { get; init; }

    /// <summary>An earlier appearance of the joiner that the external commit removes (resync, §12.4.3.2).</summary>
    public uint? RemovePriorLeaf { get; init; }

    /// <summary>
    /// External PSKs (id, secret) that the commit injects, in order, with PreSharedKey proposals;
    /// every member must hold them. The group keeps copies.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> ExternalPsks { get; init; } = [];
}

/// <summary>
/// What <see cref="MlsGroup.Commit"/> commits, besides every proposal received in the epoch. Each
/// item becomes a proposal the commit carries by value (§12.4).
/// </summary>
public sealed record CommitRequest
{
    /// <summary>Members to add: serialized MLSMessage(KeyPackage) (§12.1.1).</summary>
    public IEnumerable<byte[]> Add { get; init; } = [];

    /// <summary>Leaves to remove (§12.1.3).</summary>
    public IEnumerable<uint> Remove { get; init; } = [];

    /// <summary>External PSKs this member holds, to inject (§8.4, §12.1.4).</summary>
    public IEnumerable<byte[]> ExternalPskIds { get; init; } = [];

    /// <summary>Earlier epochs of this group whose resumption PSK to inject (§12.1.4).</summary>
    public IEnumerable<ulong> ResumptionPskEpochs { get; init; } = [];

    /// <summary>The new GroupContext extensions, as (type, data) pairs (§12.1.7); null for no change.</summary>
    public IEnumerable<(ushort Type, byte[] Data)>? GroupContextExtensions { get; init; }

    /// <summary>
    /// False to leave the ratchet tree out of the Welcome's and the result's GroupInfo; joiners then
    /// get it out of band (§12.4.3.3) from <see cref="CommitResult.RatchetTree"/>.
    /// </summary>
    public bool IncludeRatchetTree { get; init; } = true;

    /// <summary>
    /// A new BasicCredential identity for this member's own leaf, or null to keep it. The commit's
    /// path carries a new LeafNode with this credential and a fresh signature key (RFC 9420 §12.4.1,
    /// §7.3; whether a new credential is a valid successor of the old is the application's policy, §5.3.1). The commit itself is
    /// signed with the old key, which the other members verify it with (§6.1); the new LeafNode and
    /// the GroupInfo with the new one. Once the commit is merged the group signs with the new key.
    /// </summary>
    public byte[]? NewIdentity { get; init; }
}
