namespace Courier.Mls.Group;

/// <summary>Creating, joining and resuming groups (RFC 9420 §11, §12.4.3).</summary>
public sealed partial class MlsGroup
{
    /// <summary>RFC 9420 §11: a new group whose only member is the creator.</summary>
    /// <remarks><paramref name="time"/> is the clock the group checks lifetimes with (§7.2).</remarks>
    public static MlsGroup Create(byte[] groupId, KeyPackageBundle creator, IRandom random, TimeProvider time, CreateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(creator);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        var epoch = GroupCreation.Create(groupId, creator, options?.ExternalSenders, random);
        return new MlsGroup(epoch, Copy(creator.SignatureKey), random, time);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.1: joins from an MLSMessage(Welcome) addressed to <paramref name="bundle"/>.
    /// Every leaf of the tree must be valid at <paramref name="time"/>'s now (§7.3).
    /// </summary>
    public static MlsGroup JoinFromWelcome(ReadOnlySpan<byte> welcome, KeyPackageBundle bundle, IRandom random, TimeProvider time, JoinOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new JoinOptions();
        var message = MLSMessage.FromBytes(welcome);
        var body = message.Welcome ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a Welcome");
        var tree = options.RatchetTree is null ? null : TlsReader.Decode(options.RatchetTree, "ratchet_tree", Node.DecodeRatchetTree);
        var group = new MlsGroup(null!, Copy(bundle.SignatureKey), random, time);
        try
        {
            foreach (var (id, psk) in options.ExternalPsks)
            {
                group.StoreExternalPsk(id, psk);
            }

            var resumedFrom = options.ResumedFrom;
            var psks = resumedFrom is null ? group.Psks : new PskResolver(id => group.Psks.Find(id) ?? resumedFrom.ResumptionPsk(id));
            group._epoch = WelcomeJoin.Join(body, bundle, tree, psks, group.Now, resumedFrom?.State.PendingReInit);
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
    /// </summary>
    public static ExternalJoinResult JoinExternally(ReadOnlySpan<byte> groupInfo, KeyPackageBundle joiner, IRandom random, TimeProvider time, ExternalJoinOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new ExternalJoinOptions();
        var info = MLSMessage.FromBytes(groupInfo).GroupInfo
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a GroupInfo");
        var tree = options.RatchetTree is null ? null : TlsReader.Decode(options.RatchetTree, "ratchet_tree", Node.DecodeRatchetTree);
        var group = new MlsGroup(null!, Copy(joiner.SignatureKey), random, time);
        try
        {
            var pskIds = new List<PreSharedKeyID>();
            foreach (var (id, psk) in options.ExternalPsks)
            {
                group.StoreExternalPsk(id, psk);
                pskIds.Add(PreSharedKeyID.External(id, group.Nonce(joiner.Suite)));
            }

            var (epoch, commit) = ExternalJoin.Join(info, tree, joiner, options.RemovePriorLeaf, pskIds, group.Psks, random, group.Now);
            group._epoch = epoch;
            var bytes = commit.ToBytes();
            group.RecordSent(epoch, bytes, ProcessedKind.Commit);
            return new ExternalJoinResult(group, bytes);
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>
    /// RFC 9420 §12.4.3.2 (resync): a member that lost track of the group rejoins it by external
    /// commit from the MLSMessage(GroupInfo) of a later epoch, removing its own earlier leaf and
    /// taking a new one with the same credential and signature key, so the other members can tell
    /// it is the same member (§12.4.3.2 requires the removed leaf to carry the joiner's identity).
    /// This group is left as it was; the returned group is in the new epoch.
    /// </summary>
    /// <param name="groupInfo">A signed GroupInfo with external_pub, of an epoch after this group's.</param>
    /// <param name="lifetime">How long the new leaf is valid from now (§7.2).</param>
    /// <exception cref="MessageRejectedException">The GroupInfo is not of this group, or does not verify.</exception>
    /// <exception cref="DecodeException">The GroupInfo is malformed.</exception>
    public ExternalJoinResult Resync(ReadOnlySpan<byte> groupInfo, TimeSpan lifetime)
    {
        var state = State;
        var own = state.Tree.Leaves.First(l => l.LeafIndex == state.OwnLeaf).Leaf;
        var info = MLSMessage.FromBytes(groupInfo).GroupInfo
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a GroupInfo");
        if (!info.GroupContext.GroupId.AsSpan().SequenceEqual(state.Context.GroupId))
        {
            throw new MessageRejectedException(MlsCheck.WireFormat, "the GroupInfo is of another group");
        }

        var now = _time.GetUtcNow();
        using var bundle = KeyPackageBundle.Generate(CipherSuite, own.Credential.Identity ?? [], _signer, (ulong)now.AddHours(-1).ToUnixTimeSeconds(), (ulong)(now + lifetime).ToUnixTimeSeconds(), _random);
        return JoinExternally(groupInfo, bundle, _random, _time, new ExternalJoinOptions { RemovePriorLeaf = state.OwnLeaf });
    }

    /// <summary>
    /// Whether an MLSMessage is a commit, read from its header alone (the content type a PublicMessage
    /// carries, or that a PrivateMessage shows in the clear, §6.3): a joiner that is not yet a member
    /// of the epoch learns whether another commit came first without being able to open it.
    /// </summary>
    /// <exception cref="DecodeException">The message is malformed.</exception>
    public static bool IsCommit(ReadOnlySpan<byte> message)
    {
        var decoded = MLSMessage.FromBytes(message);
        return (decoded.PublicMessage?.Content.ContentType ?? decoded.PrivateMessage?.ContentType) == ContentType.Commit;
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
    /// by a resumption PSK; joiners pass this group as <see cref="JoinOptions.ResumedFrom"/>.
    /// The new group uses this group's clock.
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

    private ResumedGroup Resume(byte[] groupId, KeyPackageBundle self, IEnumerable<byte[]> memberKeyPackages, ResumptionPSKUsage usage, IReadOnlyList<Extension>? extensions)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(memberKeyPackages);
        var old = State;
        // The PSK goes into the new group, whose suite (a ReInit may change it) sets the nonce size (§8.4).
        var psk = new Proposal(new PreSharedKey(PreSharedKeyID.Resumption(usage, old.GroupId, old.Epoch, Nonce(self.Suite))));
        var adds = memberKeyPackages.Select(bytes => new Proposal(new Add(MLSMessage.FromBytes(bytes).KeyPackage
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "an added member's message is not a KeyPackage")))).ToList();

        var group = new MlsGroup(GroupCreation.Create(groupId, self, null, _random, extensions), Copy(self.SignatureKey), _random, _time);
        try
        {
            var epoch = group.State;
            var options = CommitSettings.Default with { ResumptionUsage = usage };
            var resolver = new PskResolver(ResumptionPsk);
            var created = CommitCreation.Create(epoch, group._signer, [.. adds, psk], LeafNodeTemplate.From(epoch.Tree.GetLeaf(0)!), options, resolver, _random, Now);
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
}
