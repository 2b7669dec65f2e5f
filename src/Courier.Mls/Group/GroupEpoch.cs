using Courier.Mls.Hpke;

namespace Courier.Mls.Group;

/// <summary>
/// Everything one member holds during one epoch (RFC 9420 §8, §9): the GroupContext, the ratchet
/// tree with the member's private path keys, the epoch secrets and secret tree, the interim
/// transcript hash, proposals received in this epoch, and the resumption PSKs of recent epochs.
/// A commit produces a new epoch; the old one is disposed once the new one is merged.
/// </summary>
internal sealed class GroupEpoch : IDisposable
{
    /// <summary>How many past epochs' resumption_psk a member keeps for branch and reinit (§8.6).</summary>
    public const int ResumptionPskEpochs = 32;

    private bool _secretTreeTaken;

    public required CipherSuite Suite { get; init; }

    public required GroupContext Context { get; init; }

    public required RatchetTree Tree { get; init; }

    public required uint OwnLeaf { get; init; }

    public required TreeKemPrivateKeys PrivateKeys { get; init; }

    public required EpochSecrets Secrets { get; init; }

    /// <summary>The epoch's secret tree; a rejected message's consumed keys are put back in place (<see cref="EncryptionSecretTree.BeginRollback"/>).</summary>
    public required EncryptionSecretTree SecretTree { get; init; }

    public required byte[] InterimTranscriptHash { get; init; }

    /// <summary>Resumption PSKs by epoch, this epoch's included.</summary>
    public required SortedDictionary<ulong, Secret> ResumptionPsks { get; init; }

    /// <summary>Proposals received in this epoch, in the order they arrived.</summary>
    public List<CachedProposal> Proposals { get; } = [];

    /// <summary>
    /// The KeyPackages (by reference) whose KeyPackage and leaf signatures verified in this epoch: an
    /// Add proposal validated when it arrived is not verified again when a commit includes it by reference.
    /// </summary>
    public HashSet<KeyPackage> VerifiedKeyPackages { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Private keys of the leaves this member proposed in Update proposals of this epoch, by public key.</summary>
    public Dictionary<string, HpkePrivateKey> PendingLeafKeys { get; } = [];

    /// <summary>
    /// What this member sent in this epoch (SHA-256 of the message, and its kind): the delivery
    /// service hands a member's own messages back, and their keys are already used.
    /// </summary>
    public Dictionary<string, Group.ProcessedKind> Sent { get; } = [];

    /// <summary>
    /// The ReInit this epoch's commit applied (§11.2): the group may no longer send; a member
    /// creates its successor with these parameters.
    /// </summary>
    public ReInit? PendingReInit { get; init; }

    /// <summary>True once a commit removed this member: it can no longer send or follow.</summary>
    public bool Removed { get; set; }

    public byte[] GroupId => Context.GroupId;

    /// <summary>
    /// The state that starts an epoch once its key schedule ran (§8) and its confirmation tag is
    /// known: the joiner secrets are forgotten, the secret tree is built from encryption_secret, the
    /// interim transcript hash is computed (§8.2), and resumption PSKs carry over from
    /// <paramref name="previous"/>, if the member was in the group before. Takes ownership of
    /// <paramref name="keys"/> and <paramref name="secrets"/>.
    /// </summary>
    public static GroupEpoch Begin(
        CipherSuite suite,
        GroupContext context,
        RatchetTree tree,
        TreeKemPrivateKeys keys,
        EpochSecrets secrets,
        byte[] confirmationTag,
        GroupEpoch? previous = null,
        ReInit? pendingReInit = null)
    {
        secrets.ForgetJoinerSecrets();
        return new GroupEpoch
        {
            Suite = suite,
            Context = context,
            Tree = tree,
            OwnLeaf = keys.LeafIndex,
            PrivateKeys = keys,
            Secrets = secrets,
            SecretTree = secrets.CreateSecretTree(tree.LeafCount),
            InterimTranscriptHash = TranscriptHash.TranscriptHashes.NextInterim(suite, context.ConfirmedTranscriptHash, new TranscriptHash.InterimTranscriptHashInput(confirmationTag)),
            ResumptionPsks = previous?.CarryResumptionPsks(context.Epoch, secrets.ResumptionPsk)
                ?? new SortedDictionary<ulong, Secret> { [context.Epoch] = secrets.ResumptionPsk.Clone() },
            PendingReInit = pendingReInit,
        };
    }

    public ulong Epoch => Context.Epoch;

    /// <summary>The external_senders extension of the GroupContext, if any (§12.1.8.1).</summary>
    public IReadOnlyList<ExternalSender> ExternalSenders
    {
        get
        {
            var extension = Context.Extensions.FirstOrDefault(e => e.ExtensionType == Extension.ExternalSenders);
            return extension is null ? [] : Codec.TlsReader.Decode(extension.ExtensionData, "external_senders", ExternalSender.DecodeList);
        }
    }

    /// <summary>The resumption PSKs to carry into the next epoch: the most recent ones, copied.</summary>
    public SortedDictionary<ulong, Secret> CarryResumptionPsks(ulong nextEpoch, Secret nextPsk)
    {
        var carried = new SortedDictionary<ulong, Secret>();
        foreach (var (epoch, psk) in ResumptionPsks.Where(p => p.Key + ResumptionPskEpochs > nextEpoch))
        {
            carried[epoch] = psk.Clone();
        }

        carried[nextEpoch] = nextPsk.Clone();
        return carried;
    }

    /// <summary>Hands the secret tree to a new owner (<see cref="PastEpoch"/>); this epoch no longer disposes it.</summary>
    public EncryptionSecretTree TakeSecretTree()
    {
        _secretTreeTaken = true;
        return SecretTree;
    }

    public void Dispose()
    {
        PrivateKeys.Dispose();
        Secrets.Dispose();
        foreach (var key in PendingLeafKeys.Values)
        {
            key.Dispose();
        }

        if (!_secretTreeTaken)
        {
            SecretTree.Dispose();
        }

        foreach (var psk in ResumptionPsks.Values)
        {
            psk.Dispose();
        }
    }
}
