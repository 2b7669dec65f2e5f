namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §12.1.8: a party outside the group that the group lists in its external_senders
/// extension (§12.1.8.1), making proposals for one epoch of the group, which it knows from a
/// signed GroupInfo and the ratchet tree. Each proposal is a PublicMessage with sender
/// <c>external</c>, for the members to commit by reference.
/// </summary>
/// <remarks>
/// The GroupInfo is checked as a joiner checks it (§12.4.3.1: tree hash, parent hashes, leaves,
/// the signature of the member at <c>signer</c>), so the proposals are for the group's real
/// state; each proposal is checked as the members will check it (§12.1). Keeps a copy of the
/// signing key: dispose it.
/// </remarks>
public sealed class ExternalProposer : IDisposable
{
    private readonly CipherSuite _suite;
    private readonly GroupContext _context;
    private readonly RatchetTree _tree;
    private readonly SignaturePrivateKey _signer;
    private readonly IRandom _random;
    private readonly TimeProvider _time;
    private bool _disposed;

    private ExternalProposer(CipherSuite suite, GroupContext context, RatchetTree tree, uint senderIndex, SignaturePrivateKey signer, IRandom random, TimeProvider time)
    {
        _suite = suite;
        _context = context;
        _tree = tree;
        SenderIndex = senderIndex;
        _signer = signer;
        _random = random;
        _time = time;
    }

    /// <summary>The group's identifier.</summary>
    public byte[] GroupId => _context.GroupId.ToArray();

    /// <summary>The epoch the proposals are for: the GroupInfo's.</summary>
    public ulong Epoch => _context.Epoch;

    /// <summary>The group's ciphersuite.</summary>
    public CipherSuiteId CipherSuite => _suite.Id;

    /// <summary>The position of the signer's key in the group's external_senders: the proposals' <c>sender_index</c> (§6).</summary>
    public uint SenderIndex { get; }

    /// <summary>The group's members in this epoch, in leaf order: the leaf index for <see cref="ProposeRemove"/>.</summary>
    public IReadOnlyList<GroupMember> Members => MlsGroup.MembersOf(_tree);

    /// <summary>
    /// Reads and verifies the signed MLSMessage(GroupInfo) <paramref name="groupInfo"/> for an external
    /// sender signing with <paramref name="signer"/>. <paramref name="ratchetTree"/>
    /// (<c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>) is needed only when the GroupInfo carries no
    /// tree: without one the GroupInfo's signature cannot be checked, so a tree is required.
    /// Leaf lifetimes are checked at <paramref name="time"/>'s now (§7.2).
    /// </summary>
    /// <exception cref="ArgumentException">The signer's key is not in the group's external_senders.</exception>
    /// <exception cref="MessageRejectedException">The GroupInfo or the tree fails a check.</exception>
    /// <exception cref="DecodeException">The bytes do not decode.</exception>
    public static ExternalProposer Create(ReadOnlySpan<byte> groupInfo, SignaturePrivateKey signer, IRandom random, TimeProvider time, byte[]? ratchetTree = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        var now = (ulong)Math.Max(0, time.GetUtcNow().ToUnixTimeSeconds());
        var info = MLSMessage.FromBytes(groupInfo).GroupInfo
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a GroupInfo");
        var context = info.GroupContext;
        var suite = Crypto.CipherSuite.Find(context.CipherSuite)
            ?? throw new MessageRejectedException(MlsCheck.GroupInfoCipherSuite, $"the GroupInfo's ciphersuite {context.CipherSuite} is not supported");
        var outOfBand = ratchetTree is null ? null : TlsReader.Decode(ratchetTree, "ratchet_tree", Node.DecodeRatchetTree);
        var tree = RatchetTree.FromNodes(suite, WelcomeJoin.TreeOf(info, outOfBand));
        WelcomeJoin.VerifyTree(tree, context, now);
        GroupInfoSigning.Verify(suite, info, tree.GetLeaf(info.Signer)?.SignatureKey);

        var extension = context.Extensions.FirstOrDefault(e => e.ExtensionType == Extension.ExternalSenders);
        var senders = extension is null ? [] : TlsReader.Decode(extension.ExtensionData, "external_senders", ExternalSender.DecodeList);
        var index = senders.FindIndex(s => s.SignatureKey.AsSpan().SequenceEqual(signer.PublicKey));
        if (index < 0)
        {
            throw new ArgumentException("The signer's key is not in the group's external_senders extension (RFC 9420 §12.1.8.1).", nameof(signer));
        }

        return new ExternalProposer(suite, context, tree, (uint)index, MlsGroup.Copy(signer), random, time);
    }

    /// <summary>Proposes adding the member of a serialized MLSMessage(KeyPackage) (§12.1.1).</summary>
    public byte[] ProposeAdd(byte[] keyPackage)
    {
        ArgumentNullException.ThrowIfNull(keyPackage);
        var parsed = MLSMessage.FromBytes(keyPackage).KeyPackage
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a KeyPackage");
        return Propose(new Add(parsed));
    }

    /// <summary>Proposes removing the member at <paramref name="leafIndex"/> (§12.1.3), one of <see cref="Members"/>.</summary>
    public byte[] ProposeRemove(uint leafIndex)
    {
        if (_tree.GetLeaf(leafIndex) is null)
        {
            throw new ArgumentException($"Leaf {leafIndex} is not a member of the group.", nameof(leafIndex));
        }

        return Propose(new Remove(leafIndex));
    }

    /// <summary>Proposes injecting the external PSK <paramref name="pskId"/>, with a fresh nonce; every member must hold it (§12.1.4).</summary>
    public byte[] ProposeExternalPsk(byte[] pskId)
    {
        ArgumentNullException.ThrowIfNull(pskId);
        return Propose(new PreSharedKey(PreSharedKeyID.External(pskId, Nonce())));
    }

    /// <summary>Proposes injecting the resumption PSK of an earlier <paramref name="epoch"/> of this group, with a fresh nonce (§12.1.4).</summary>
    public byte[] ProposeResumptionPsk(ulong epoch)
        => Propose(new PreSharedKey(PreSharedKeyID.Resumption(ResumptionPSKUsage.Application, _context.GroupId, epoch, Nonce())));

    /// <summary>Proposes new GroupContext extensions, as (type, data) pairs, replacing the current ones (§12.1.7).</summary>
    public byte[] ProposeGroupContextExtensions(IEnumerable<(ushort Type, byte[] Data)> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        return Propose(new GroupContextExtensions(extensions.Select(e => new Extension(e.Type, e.Data)).ToList()));
    }

    /// <summary>
    /// Proposes reinitializing the group under a new group id, ciphersuite and GroupContext
    /// <paramref name="extensions"/> (type, data) (§12.1.5).
    /// </summary>
    public byte[] ProposeReInit(byte[] groupId, CipherSuiteId cipherSuite, IEnumerable<(ushort Type, byte[] Data)>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return Propose(new ReInit(groupId, GroupContext.Mls10, (ushort)cipherSuite, extensions?.Select(e => new Extension(e.Type, e.Data)).ToList() ?? []));
    }

    /// <summary>Wipes the copy of the signing key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _signer.Dispose();
        }
    }

    /// <summary>
    /// §6: FramedContent for the GroupInfo's group and epoch, sender external, no authenticated
    /// data; §6.1: signed over FramedContentTBS, which for an external sender has no GroupContext;
    /// §6.2: a PublicMessage without membership_tag, since the sender is not a member.
    /// </summary>
    private byte[] Propose(IProposalBody body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var proposal = new Proposal(body);
        var sender = Sender.External(SenderIndex);
        ProposalValidation.Validate(_suite, _context, _tree, proposal, sender, (ulong)Math.Max(0, _time.GetUtcNow().ToUnixTimeSeconds()));
        var framed = FramedContent.ForProposal(_context.GroupId, _context.Epoch, sender, [], proposal);
        var content = ContentAuthentication.Sign(_suite, WireFormat.MlsPublicMessage, framed, _context, _signer, null);
        return new MLSMessage(PublicMessageProtection.Protect(_suite, content, _context, default)).ToBytes();
    }

    private byte[] Nonce()
    {
        var nonce = new byte[_suite.HashSize];
        _random.Fill(nonce);
        return nonce;
    }
}
