using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Framing;
using Courier.Mls.Messages;
using Courier.Mls.SecretTree;
using Courier.Mls.TreeKem;

namespace Courier.Mls.Group;

/// <summary>
/// One member's view of one MLS group (RFC 9420): in Courier, one cell. Create or join a group,
/// protect and process messages, propose and commit changes, export secrets, and store the state
/// as bytes to continue later exactly where it stopped.
/// </summary>
/// <remarks>
/// Messages arrive in the order the delivery service (the cell's dead drop) gives them. For each
/// epoch the first valid commit in that order wins: <see cref="Process"/> applies it at once. A
/// commit this member created waits in <see cref="HasPendingCommit"/> until it comes back through
/// <see cref="Process"/> (or <see cref="MergePendingCommit"/> is called); if another member's commit
/// wins the epoch, the pending one is dropped and its changes must be proposed again.
/// Not thread-safe. A rejected message throws <see cref="MessageRejectedException"/> or
/// <see cref="DecodeException"/>.
/// </remarks>
public sealed class MlsGroup : IDisposable
{
    private readonly SignaturePrivateKey _signer;
    private readonly IRandom _random;
    private readonly Dictionary<string, Secret> _externalPsks = [];
    private readonly List<PastEpoch> _past = [];
    private GroupEpoch _epoch;
    private int _retainedPastEpochs;
    private PendingCommit? _pending;
    private bool _disposed;

    private MlsGroup(GroupEpoch epoch, SignaturePrivateKey signer, IRandom random)
    {
        _epoch = epoch;
        _signer = signer;
        _random = random;
    }

    /// <summary>The group's identifier.</summary>
    public byte[] GroupId => State.GroupId.ToArray();

    /// <summary>The current epoch.</summary>
    public ulong Epoch => State.Epoch;

    /// <summary>The group's ciphersuite.</summary>
    public CipherSuiteId CipherSuite => State.Suite.Id;

    /// <summary>This member's leaf index.</summary>
    public uint OwnLeafIndex => State.OwnLeaf;

    /// <summary>False once a commit removed this member.</summary>
    public bool IsActive => !State.Removed;

    /// <summary>True while a commit this member created awaits the delivery service's order.</summary>
    public bool HasPendingCommit => _pending is not null;

    /// <summary>
    /// Whether proposals and commits go out as PrivateMessage (the default, RFC 9420 §6) or as
    /// PublicMessage, for a delivery service that must read handshakes.
    /// </summary>
    public bool EncryptHandshakes { get; set; } = true;

    /// <summary>
    /// How many epochs this member has left it keeps, to read application messages sent in them that
    /// arrive late (RFC 9420 §15.2). 0, the default, deletes an epoch's keys as soon as the group
    /// leaves it: the strongest forward secrecy. Each retained epoch keeps its unused message keys
    /// until it ages out. Courier's cells resend late messages in the new epoch instead.
    /// </summary>
    public int RetainedPastEpochs
    {
        get => _retainedPastEpochs;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRetainedPastEpochs);
            _retainedPastEpochs = value;
            while (_past.Count > value)
            {
                _past[0].Dispose();
                _past.RemoveAt(0);
            }
        }
    }

    /// <summary>The most past epochs a member may keep.</summary>
    public const int MaxRetainedPastEpochs = 8;

    /// <summary>The members, in leaf order.</summary>
    public IReadOnlyList<GroupMember> Members => MembersOf(State.Tree);

    /// <summary>The GroupContext extensions of the current epoch, as (type, data) pairs (§12.1.7).</summary>
    public IReadOnlyList<(ushort Type, byte[] Data)> ContextExtensions
        => State.Context.Extensions.Select(e => (e.ExtensionType, e.ExtensionData.ToArray())).ToList();

    /// <summary>
    /// The group id and ciphersuite of the ReInit a commit applied (§11.2), which
    /// <see cref="ReInitialize"/> continues in; null while the group is not reinitialized.
    /// </summary>
    public (byte[] GroupId, CipherSuiteId CipherSuite)? PendingReInit
        => State.PendingReInit is { } reInit ? (reInit.GroupId.ToArray(), (CipherSuiteId)reInit.CipherSuite) : null;

    /// <summary>The current epoch, for tests that forge what a malicious member could send.</summary>
    internal GroupEpoch CurrentEpoch => State;

    /// <summary>This member's signing key in the group, for the same tests.</summary>
    internal SignaturePrivateKey Signer => _signer;

    private GroupEpoch State
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _epoch;
        }
    }

    /// <summary>RFC 9420 §11: a new group whose only member is the creator.</summary>
    public static MlsGroup Create(byte[] groupId, KeyPackageBundle creator, IRandom random, IReadOnlyList<byte[]>? externalSenders = null)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(creator);
        ArgumentNullException.ThrowIfNull(random);
        var epoch = GroupCreation.Create(groupId, creator, externalSenders, random);
        return new MlsGroup(epoch, Copy(creator.SignatureKey), random);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.1: joins from an MLSMessage(Welcome) addressed to <paramref name="bundle"/>.
    /// <paramref name="ratchetTree"/> is needed only when the Welcome's GroupInfo carries no tree.
    /// </summary>
    /// <remarks>
    /// <paramref name="externalPsks"/> are the external PSKs (id, secret) the group may use; the
    /// group keeps copies. <paramref name="now"/>, in seconds since 1970, checks leaf lifetimes.
    /// <paramref name="resumedFrom"/> is the group a branch or reinit continues (§11.2, §11.3): its
    /// resumption PSK proves the new group's members were members of the old one.
    /// </remarks>
    public static MlsGroup JoinFromWelcome(
        ReadOnlySpan<byte> welcome,
        KeyPackageBundle bundle,
        IRandom random,
        byte[]? ratchetTree = null,
        IEnumerable<KeyValuePair<byte[], byte[]>>? externalPsks = null,
        ulong? now = null,
        MlsGroup? resumedFrom = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(random);
        var message = MLSMessage.FromBytes(welcome);
        var body = message.Welcome ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a Welcome");
        var tree = ratchetTree is null ? null : TlsReader.Decode(ratchetTree, "ratchet_tree", Node.DecodeRatchetTree);
        var group = new MlsGroup(null!, Copy(bundle.SignatureKey), random);
        foreach (var (id, psk) in externalPsks ?? [])
        {
            group.StoreExternalPsk(id, psk);
        }

        try
        {
            var psks = resumedFrom is null ? group.Psks : new PskResolver(id => group.Psks.Find(id) ?? resumedFrom.ResumptionPsk(id));
            group._epoch = WelcomeJoin.Join(body, bundle, tree, psks, now, resumedFrom?.State.PendingReInit);
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>
    /// RFC 9420 §12.4.3.2: joins by external commit from a signed MLSMessage(GroupInfo) that carries
    /// external_pub, as the member of <paramref name="joiner"/>. The returned commit must reach the
    /// group; the joiner is in the new epoch at once, and if the delivery service orders another
    /// commit first, the join failed and must be repeated from a newer GroupInfo.
    /// <paramref name="removePriorLeaf"/> removes an earlier appearance of the joiner.
    /// </summary>
    /// <remarks>
    /// The commit injects each of <paramref name="externalPsks"/> (id, secret), in order, with a
    /// PreSharedKey proposal; every member must hold them. The group keeps copies.
    /// </remarks>
    public static ExternalJoinResult JoinExternally(
        ReadOnlySpan<byte> groupInfo,
        KeyPackageBundle joiner,
        IRandom random,
        byte[]? ratchetTree = null,
        uint? removePriorLeaf = null,
        ulong? now = null,
        IEnumerable<KeyValuePair<byte[], byte[]>>? externalPsks = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        ArgumentNullException.ThrowIfNull(random);
        var info = MLSMessage.FromBytes(groupInfo).GroupInfo
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a GroupInfo");
        var tree = ratchetTree is null ? null : TlsReader.Decode(ratchetTree, "ratchet_tree", Node.DecodeRatchetTree);
        var group = new MlsGroup(null!, Copy(joiner.SignatureKey), random);
        try
        {
            var pskIds = new List<PreSharedKeyID>();
            foreach (var (id, psk) in externalPsks ?? [])
            {
                group.StoreExternalPsk(id, psk);
                pskIds.Add(PreSharedKeyID.External(id, group.Nonce()));
            }

            var (epoch, commit) = ExternalJoin.Join(info, tree, joiner, removePriorLeaf, pskIds, group.Psks, random, now);
            group._epoch = epoch;
            var bytes = commit.ToBytes();
            epoch.Sent[Fingerprint(bytes)] = ProcessedKind.Commit;
            return new ExternalJoinResult(group, bytes);
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>
    /// RFC 9420 §12.1.8: an outsider's own Add proposal (sender new_member_proposal), a PublicMessage
    /// for the epoch of the MLSMessage(GroupInfo) <paramref name="groupInfo"/>, signed with the key of
    /// <paramref name="joiner"/>. Once a member commits it, the joiner joins from the Welcome with the
    /// same bundle. The GroupInfo's signature is not checked here: a proposal made from a forged one
    /// is rejected by the group it claims to be for.
    /// </summary>
    public static byte[] ProposeAddAsNewMember(ReadOnlySpan<byte> groupInfo, KeyPackageBundle joiner)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        var context = (MLSMessage.FromBytes(groupInfo).GroupInfo
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a GroupInfo")).GroupContext;
        if (context.CipherSuite != (ushort)joiner.CipherSuite)
        {
            throw new MessageRejectedException(MlsCheck.GroupInfoCipherSuite, "the GroupInfo's ciphersuite is not the joiner's");
        }

        var framed = FramedContent.ForProposal(context.GroupId, context.Epoch, Sender.NewMemberProposal(), [], new Proposal(new Add(joiner.KeyPackage)));
        var content = ContentAuthentication.Sign(joiner.Suite, WireFormat.MlsPublicMessage, framed, context, joiner.SignatureKey, null);
        return new MLSMessage(PublicMessageProtection.Protect(joiner.Suite, content, context, default)).ToBytes();
    }

    /// <summary>
    /// RFC 9420 §11.3: a new group <paramref name="groupId"/> with some members of this one, as the
    /// member of <paramref name="self"/> (a fresh KeyPackage of this member) adding
    /// <paramref name="memberKeyPackages"/>. Its first epoch is bound to this group's current epoch
    /// by a resumption PSK; joiners pass this group as <c>resumedFrom</c>.
    /// </summary>
    /// <remarks><paramref name="extensions"/> are the new group's GroupContext extensions, as (type, data) pairs.</remarks>
    public ResumedGroup Branch(byte[] groupId, KeyPackageBundle self, IEnumerable<byte[]> memberKeyPackages, IEnumerable<(ushort Type, byte[] Data)>? extensions = null)
        => Resume(groupId, self, memberKeyPackages, ResumptionPSKUsage.Branch, extensions?.Select(e => new Extension(e.Type, e.Data)).ToList());

    /// <summary>
    /// RFC 9420 §11.2: after a commit applied a ReInit, creates the successor group with the
    /// ReInit's group id, ciphersuite and extensions, as the member of <paramref name="self"/> (a KeyPackage in
    /// the new suite) adding the other members' new KeyPackages.
    /// </summary>
    public ResumedGroup ReInitialize(KeyPackageBundle self, IEnumerable<byte[]> memberKeyPackages)
    {
        var reInit = State.PendingReInit ?? throw new InvalidOperationException("No ReInit has been committed in this group.");
        ArgumentNullException.ThrowIfNull(self);
        if ((ushort)self.CipherSuite != reInit.CipherSuite)
        {
            throw new ArgumentException("The KeyPackage is not in the ReInit's ciphersuite.", nameof(self));
        }

        return Resume(reInit.GroupId, self, memberKeyPackages, ResumptionPSKUsage.Reinit, reInit.Extensions);
    }

    /// <summary>The epoch authenticator (§8.7): equal for all members exactly when they agree on the epoch.</summary>
    public byte[] EpochAuthenticator() => State.Secrets.EpochAuthenticator.Export();

    /// <summary>RFC 9420 §8.5: MLS-Exporter(label, context, length). The caller owns the secret.</summary>
    public Secret Export(string label, ReadOnlySpan<byte> context, int length) => State.Secrets.Export(label, context, length);

    /// <summary>Keeps an external PSK that proposals and commits may name (§8.4).</summary>
    public void StoreExternalPsk(byte[] pskId, ReadOnlySpan<byte> psk)
    {
        ArgumentNullException.ThrowIfNull(pskId);
        var key = Convert.ToHexString(pskId);
        if (_externalPsks.Remove(key, out var old))
        {
            old.Dispose();
        }

        _externalPsks[key] = Secret.Copy(psk);
    }

    /// <summary>Encrypts application data as a PrivateMessage (§6.3) of the current epoch.</summary>
    public byte[] Protect(ReadOnlySpan<byte> applicationData, ReadOnlySpan<byte> authenticatedData = default, int padding = 0)
    {
        var epoch = ActiveState;
        if (epoch.Proposals.Count > 0)
        {
            // §12.4: a member that has seen valid proposals must commit before sending application data.
            throw new InvalidOperationException("Proposals are pending in this epoch: commit them before sending application data.");
        }

        var framed = FramedContent.Application(epoch.GroupId, epoch.Epoch, Sender.Member(epoch.OwnLeaf), authenticatedData.ToArray(), applicationData.ToArray());
        var content = ContentAuthentication.Sign(epoch.Suite, WireFormat.MlsPrivateMessage, framed, epoch.Context, _signer, null);
        var message = new MLSMessage(PrivateMessageProtection.Protect(epoch.Suite, content, epoch.SecretTree, epoch.Secrets.SenderDataSecret, padding, _random)).ToBytes();
        epoch.Sent[Fingerprint(message)] = ProcessedKind.Application;
        return message;
    }

    /// <summary>Proposes adding the member of a serialized MLSMessage(KeyPackage) (§12.1.1).</summary>
    public byte[] ProposeAdd(byte[] keyPackage)
    {
        ArgumentNullException.ThrowIfNull(keyPackage);
        var parsed = MLSMessage.FromBytes(keyPackage).KeyPackage
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a KeyPackage");
        return Propose(new Add(parsed));
    }

    /// <summary>Proposes removing the member at <paramref name="leafIndex"/> (§12.1.3).</summary>
    public byte[] ProposeRemove(uint leafIndex) => Propose(new Remove(leafIndex));

    /// <summary>Proposes replacing this member's leaf with a fresh encryption key (§12.1.2).</summary>
    public byte[] ProposeUpdate()
    {
        var epoch = ActiveState;
        var current = epoch.Tree.GetLeaf(epoch.OwnLeaf)!;
        var key = Hpke.DhKem.X25519Sha256.GenerateKeyPair(_random);
        try
        {
            var unsigned = new LeafNode(key.PublicKey, current.SignatureKey, current.Credential, current.Capabilities, LeafNodeSource.Update, null, null, current.Extensions, []);
            var leaf = unsigned.WithSignature(epoch.Suite.SignWithLabel(_signer, TreeSync.LeafNodeValidation.SignatureLabel, unsigned.ToBeSigned(epoch.GroupId, epoch.OwnLeaf).ToBytes()));
            var message = Propose(new Update(leaf));
            epoch.PendingLeafKeys[Convert.ToHexString(key.PublicKey)] = key;
            return message;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Proposes injecting the external PSK <paramref name="pskId"/>, which every member must hold (§12.1.4).</summary>
    public byte[] ProposeExternalPsk(byte[] pskId) => Propose(new PreSharedKey(PreSharedKeyID.External(pskId, Nonce())));

    /// <summary>Proposes injecting the resumption PSK of an earlier epoch of this group (§12.1.4).</summary>
    public byte[] ProposeResumptionPsk(ulong epoch)
        => Propose(new PreSharedKey(PreSharedKeyID.Resumption(ResumptionPSKUsage.Application, State.GroupId, epoch, Nonce())));

    /// <summary>Proposes new GroupContext extensions, as (type, data) pairs (§12.1.7).</summary>
    public byte[] ProposeGroupContextExtensions(IEnumerable<(ushort Type, byte[] Data)> extensions)
        => Propose(new GroupContextExtensions(extensions.Select(e => new Extension(e.Type, e.Data)).ToList()));

    /// <summary>
    /// Proposes reinitializing the group under a new group id, ciphersuite and GroupContext
    /// <paramref name="extensions"/> (type, data) (§12.1.5).
    /// </summary>
    public byte[] ProposeReInit(byte[] groupId, CipherSuiteId cipherSuite, IEnumerable<(ushort Type, byte[] Data)>? extensions = null)
        => Propose(new ReInit(groupId, GroupContext.Mls10, (ushort)cipherSuite, extensions?.Select(e => new Extension(e.Type, e.Data)).ToList() ?? []));

    /// <summary>
    /// Processes a message of the group: application data is decrypted, a proposal is validated and
    /// kept, a commit moves the group to the next epoch. The member's own pending commit, when it
    /// comes back from the delivery service, is merged.
    /// </summary>
    public ProcessedMessage Process(ReadOnlySpan<byte> message, ulong? now = null)
    {
        var epoch = ActiveState;
        if (_pending is not null && message.SequenceEqual(_pending.Message))
        {
            MergePendingCommit();
            return new ProcessedMessage(ProcessedKind.Commit, epoch.OwnLeaf, null, [], Epoch);
        }

        if (epoch.Sent.TryGetValue(Fingerprint(message), out var ownKind))
        {
            // This member's own message, back from the delivery service: its effects are already here.
            return new ProcessedMessage(ownKind, epoch.OwnLeaf, null, [], epoch.Epoch);
        }

        var mlsMessage = MLSMessage.FromBytes(message);
        if (mlsMessage.PrivateMessage is { } late && late.Epoch < epoch.Epoch
            && _past.FirstOrDefault(p => p.Context.Epoch == late.Epoch && p.Context.GroupId.AsSpan().SequenceEqual(late.GroupId)) is { } past)
        {
            return ProcessPastEpoch(past, late);
        }

        if (mlsMessage.PrivateMessage is null)
        {
            return Accept(epoch, MessageUnprotection.Unprotect(epoch, mlsMessage), now);
        }

        // Decryption consumes a ratchet key before the later checks run; a rejected message must
        // leave the state as it was, so the secret tree is put back when anything fails.
        using var snapshot = Snapshot(epoch.SecretTree);
        try
        {
            return Accept(epoch, MessageUnprotection.Unprotect(epoch, mlsMessage), now);
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException)
        {
            var reader = new TlsReader(snapshot.Span, "secret tree snapshot");
            var restored = EncryptionSecretTree.ReadFrom(epoch.Suite, ref reader);
            epoch.SecretTree.Dispose();
            epoch.SecretTree = restored;
            throw;
        }
    }

    private ProcessedMessage Accept(GroupEpoch epoch, AuthenticatedContent content, ulong? now)
    {
        var framed = content.Content;
        switch (framed.ContentType)
        {
            case ContentType.Application:
                return new ProcessedMessage(ProcessedKind.Application, framed.Sender.LeafIndex, framed.ApplicationData, framed.AuthenticatedData, epoch.Epoch);
            case ContentType.Proposal:
                ProposalValidation.Validate(epoch, framed.Proposal!, framed.Sender, now);
                epoch.Proposals.Add(new CachedProposal(CachedProposal.ReferenceOf(epoch.Suite, content), framed.Proposal!, framed.Sender));
                return new ProcessedMessage(ProcessedKind.Proposal, framed.Sender.LeafIndex, null, framed.AuthenticatedData, epoch.Epoch);
            default:
                if (CommitProcessing.Process(epoch, content, Psks, now) is not { } next)
                {
                    // §12.4.2: removed from the group; the member keeps no secret tree to decrypt with.
                    DiscardPendingCommit();
                    epoch.Removed = true;
                    return new ProcessedMessage(ProcessedKind.Commit, framed.Sender.LeafIndex, null, framed.AuthenticatedData, epoch.Epoch + 1);
                }

                MoveTo(next);
                return new ProcessedMessage(ProcessedKind.Commit, framed.Sender.LeafIndex, null, framed.AuthenticatedData, next.Epoch);
        }
    }

    /// <summary>
    /// Creates a commit that adds the members of <paramref name="addKeyPackages"/> (serialized
    /// MLSMessage(KeyPackage)), removes the leaves in <paramref name="removeLeaves"/>, and covers every
    /// proposal received in this epoch. The group stays in its epoch until the commit is merged.
    /// </summary>
    /// <remarks>
    /// Further proposals the commit carries by value (§12.4): <paramref name="externalPskIds"/>
    /// (external PSKs this member holds, §8.4), <paramref name="resumptionPskEpochs"/> (resumption
    /// PSKs of earlier epochs of this group) and <paramref name="groupContextExtensions"/> (the new
    /// GroupContext extensions, §12.1.7; null for no change). With <paramref name="includeRatchetTree"/>
    /// false, the Welcome's and the result's GroupInfo leave out the ratchet tree, which joiners then
    /// get out of band (§12.4.3.3) from <see cref="CommitResult.RatchetTree"/>.
    /// </remarks>
    public CommitResult Commit(
        IEnumerable<byte[]>? addKeyPackages = null,
        IEnumerable<uint>? removeLeaves = null,
        ulong? now = null,
        IEnumerable<byte[]>? externalPskIds = null,
        IEnumerable<ulong>? resumptionPskEpochs = null,
        IEnumerable<(ushort Type, byte[] Data)>? groupContextExtensions = null,
        bool includeRatchetTree = true)
    {
        var epoch = ActiveState;
        if (_pending is not null)
        {
            throw new InvalidOperationException("A commit is already pending; merge or discard it first.");
        }

        var proposals = new List<Proposal>();
        foreach (var bytes in removeLeaves ?? [])
        {
            proposals.Add(new Proposal(new Remove(bytes)));
        }

        foreach (var bytes in addKeyPackages ?? [])
        {
            var keyPackage = MLSMessage.FromBytes(bytes).KeyPackage
                ?? throw new MessageRejectedException(MlsCheck.WireFormat, "an added member's message is not a KeyPackage");
            proposals.Add(new Proposal(new Add(keyPackage)));
        }

        foreach (var pskId in externalPskIds ?? [])
        {
            proposals.Add(new Proposal(new PreSharedKey(PreSharedKeyID.External(pskId, Nonce()))));
        }

        foreach (var pskEpoch in resumptionPskEpochs ?? [])
        {
            proposals.Add(new Proposal(new PreSharedKey(PreSharedKeyID.Resumption(ResumptionPSKUsage.Application, epoch.GroupId, pskEpoch, Nonce()))));
        }

        if (groupContextExtensions is not null)
        {
            proposals.Add(new Proposal(new GroupContextExtensions(groupContextExtensions.Select(e => new Extension(e.Type, e.Data)).ToList())));
        }

        var ownLeaf = epoch.Tree.GetLeaf(epoch.OwnLeaf)!;
        var options = CommitOptions.Default with
        {
            WireFormat = EncryptHandshakes ? WireFormat.MlsPrivateMessage : WireFormat.MlsPublicMessage,
            RatchetTreeInGroupInfo = includeRatchetTree,
        };
        var created = CommitCreation.Create(epoch, _signer, proposals, LeafNodeTemplate.From(ownLeaf), options, Psks, _random, now);
        var message = created.Commit.ToBytes();
        _pending = new PendingCommit(message, created.Staged);
        return new CommitResult(message, created.Welcome?.ToBytes(), new MLSMessage(created.GroupInfo).ToBytes())
        {
            RatchetTree = includeRatchetTree ? null : created.Staged.Tree.ToBytes(),
        };
    }

    /// <summary>Moves to the epoch of this member's pending commit, once the delivery service accepted it.</summary>
    public void MergePendingCommit()
    {
        var pending = _pending ?? throw new InvalidOperationException("No commit is pending.");
        _pending = null;
        MoveTo(pending.Staged);
    }

    /// <summary>Drops this member's pending commit.</summary>
    public void DiscardPendingCommit()
    {
        _pending?.Staged.Dispose();
        _pending = null;
    }

    /// <summary>
    /// A signed MLSMessage(GroupInfo) of the current epoch, with external_pub and (unless
    /// <paramref name="includeRatchetTree"/> is false, when joiners get it from <see cref="RatchetTree"/>)
    /// the ratchet tree, for external joins (§12.4.3.2).
    /// </summary>
    public byte[] GroupInfo(bool includeRatchetTree = true)
    {
        var epoch = ActiveState;
        var extensions = CommitCreation.GroupInfoExtensions(epoch.Suite, epoch.Tree, epoch.Secrets, CommitOptions.Default with { RatchetTreeInGroupInfo = includeRatchetTree });
        var tag = TranscriptHash.ConfirmationTag.Compute(epoch.Suite, epoch.Secrets.ConfirmationKey, epoch.Context.ConfirmedTranscriptHash);
        return new MLSMessage(GroupInfoSigning.Sign(epoch.Suite, new GroupInfoTBS(epoch.Context, extensions, tag, epoch.OwnLeaf), _signer)).ToBytes();
    }

    /// <summary>The current ratchet tree, <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>, for joiners that get it out of band (§12.4.3.3).</summary>
    public byte[] RatchetTree() => State.Tree.ToBytes();

    /// <summary>
    /// The group's whole state, secrets included, for storage: <see cref="Restore"/> continues
    /// exactly where this group stands. The caller encrypts it at rest and disposes it.
    /// </summary>
    public Secret Save()
    {
        var epoch = State;
        return GroupStateCodec.Write(_signer, _externalPsks, epoch, _pending is { } p ? (p.Message, p.Staged) : null, _retainedPastEpochs, _past);
    }

    /// <summary>A group from the bytes of <see cref="Save"/>. Bad bytes throw <see cref="DecodeException"/>.</summary>
    public static MlsGroup Restore(ReadOnlySpan<byte> state, IRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (signer, psks, epoch, pending, retained, past) = GroupStateCodec.Read(state);
        var group = new MlsGroup(epoch, signer, random) { _retainedPastEpochs = retained };
        group._past.AddRange(past);
        foreach (var (id, psk) in psks)
        {
            group._externalPsks[id] = psk;
        }

        if (pending is { } p)
        {
            group._pending = new PendingCommit(p.Message, p.Staged);
        }

        return group;
    }

    /// <summary>Wipes every secret of the group.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DiscardPendingCommit();
        _past.ForEach(p => p.Dispose());
        _epoch?.Dispose();
        _signer.Dispose();
        foreach (var psk in _externalPsks.Values)
        {
            psk.Dispose();
        }
    }

    private GroupEpoch ActiveState => State switch
    {
        { Removed: true } => throw new InvalidOperationException("This member was removed from the group."),
        { PendingReInit: not null } => throw new InvalidOperationException("The group was reinitialized: continue in its successor."),
        var epoch => epoch,
    };

    private PskResolver Psks => new(id => id.PskType == PSKType.External && _externalPsks.TryGetValue(Convert.ToHexString(id.PskId!), out var psk) ? psk : null);

    private void MoveTo(GroupEpoch next)
    {
        DiscardPendingCommit();
        var old = _epoch;
        _epoch = next;
        if (_retainedPastEpochs > 0)
        {
            _past.Add(PastEpoch.Retire(old));
            while (_past.Count > _retainedPastEpochs)
            {
                _past[0].Dispose();
                _past.RemoveAt(0);
            }
        }

        old.Dispose();
    }

    /// <summary>Reads a late application message of a retained past epoch (§15.2).</summary>
    private ProcessedMessage ProcessPastEpoch(PastEpoch past, PrivateMessage message)
    {
        using var snapshot = Snapshot(past.SecretTree);
        try
        {
            var content = PrivateMessageProtection.Unprotect(_epoch.Suite, message, past.Context, past.SecretTree, past.SenderDataSecret, leaf => past.Tree.GetLeaf(leaf)?.SignatureKey);
            var framed = content.Content;
            if (framed.ContentType != ContentType.Application)
            {
                throw new MessageRejectedException(MlsCheck.Epoch, "a handshake message of an epoch this member has left");
            }

            return new ProcessedMessage(ProcessedKind.Application, framed.Sender.LeafIndex, framed.ApplicationData, framed.AuthenticatedData, past.Context.Epoch);
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException)
        {
            var reader = new TlsReader(snapshot.Span, "secret tree snapshot");
            var restored = EncryptionSecretTree.ReadFrom(_epoch.Suite, ref reader);
            past.SecretTree.Dispose();
            past.SecretTree = restored;
            throw;
        }
    }

    private ResumedGroup Resume(byte[] groupId, KeyPackageBundle self, IEnumerable<byte[]> memberKeyPackages, ResumptionPSKUsage usage, IReadOnlyList<Extension>? extensions)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(memberKeyPackages);
        var old = State;
        var psk = new Proposal(new PreSharedKey(PreSharedKeyID.Resumption(usage, old.GroupId, old.Epoch, Nonce())));
        var adds = memberKeyPackages.Select(bytes => new Proposal(new Add(MLSMessage.FromBytes(bytes).KeyPackage
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "an added member's message is not a KeyPackage")))).ToList();

        var group = new MlsGroup(GroupCreation.Create(groupId, self, null, _random, extensions), Copy(self.SignatureKey), _random);
        try
        {
            var epoch = group.State;
            var options = CommitOptions.Default with { ResumptionUsage = usage };
            var resolver = new PskResolver(ResumptionPsk);
            var created = CommitCreation.Create(epoch, group._signer, [.. adds, psk], LeafNodeTemplate.From(epoch.Tree.GetLeaf(0)!), options, resolver, _random, null);
            group.MoveTo(created.Staged);
            return new ResumedGroup(group, created.Welcome?.ToBytes());
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>The resumption PSK of one of this group's recent epochs, for a branch or reinit of it.</summary>
    private Secret? ResumptionPsk(PreSharedKeyID id)
        => id.PskType == PSKType.Resumption
           && id.PskGroupId.AsSpan().SequenceEqual(State.GroupId)
           && State.ResumptionPsks.TryGetValue(id.PskEpoch!.Value, out var psk) ? psk : null;

    private byte[] Propose(IProposalBody body)
    {
        var epoch = ActiveState;
        var proposal = new Proposal(body);
        var sender = Sender.Member(epoch.OwnLeaf);
        ProposalValidation.Validate(epoch, proposal, sender, null);
        var framed = FramedContent.ForProposal(epoch.GroupId, epoch.Epoch, sender, [], proposal);
        var wireFormat = EncryptHandshakes ? WireFormat.MlsPrivateMessage : WireFormat.MlsPublicMessage;
        var content = ContentAuthentication.Sign(epoch.Suite, wireFormat, framed, epoch.Context, _signer, null);
        var message = EncryptHandshakes
            ? new MLSMessage(PrivateMessageProtection.Protect(epoch.Suite, content, epoch.SecretTree, epoch.Secrets.SenderDataSecret, 0, _random))
            : new MLSMessage(PublicMessageProtection.Protect(epoch.Suite, content, epoch.Context, epoch.Secrets.MembershipKey.Span));
        var bytes = message.ToBytes();
        epoch.Proposals.Add(new CachedProposal(CachedProposal.ReferenceOf(epoch.Suite, content), proposal, sender));
        epoch.Sent[Fingerprint(bytes)] = ProcessedKind.Proposal;
        return bytes;
    }

    private byte[] Nonce()
    {
        var nonce = new byte[Crypto.CipherSuite.HashSize];
        _random.Fill(nonce);
        return nonce;
    }

    private static string Fingerprint(ReadOnlySpan<byte> message) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(message));

    private static Secret Snapshot(EncryptionSecretTree tree)
    {
        var writer = new TlsWriter(tree.EncodedLength);
        try
        {
            tree.WriteTo(writer);
            return Secret.Copy(writer.Written);
        }
        finally
        {
            writer.Wipe();
        }
    }

    /// <summary>The members of <paramref name="tree"/>, in leaf order.</summary>
    internal static IReadOnlyList<GroupMember> MembersOf(TreeSync.RatchetTree tree) => tree.Leaves
        .Select(l => new GroupMember(l.LeafIndex, l.Leaf.Credential.Identity ?? [], l.Leaf.SignatureKey))
        .ToList();

    /// <summary>A copy of <paramref name="signer"/> that its holder owns and disposes.</summary>
    internal static SignaturePrivateKey Copy(SignaturePrivateKey signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        using var seed = signer.ExportPrivateKey();
        return SignaturePrivateKey.Import(seed.Span);
    }

    private sealed record PendingCommit(byte[] Message, GroupEpoch Staged);
}
