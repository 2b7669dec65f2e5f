namespace Courier.Mls.Group;

/// <summary>
/// One member's view of one MLS group (RFC 9420): in Courier, one cell. Create or join a group,
/// protect and process messages, propose and commit changes, export secrets, and store the state
/// incrementally (<see cref="TakeChanges"/>) to continue later exactly where it stopped.
/// </summary>
/// <remarks>
/// Messages arrive in the order the delivery service (the cell's dead drop) gives them. For each
/// epoch the caller decides which commit wins (in Courier the first valid one): <see cref="Process"/>
/// validates a commit and returns it staged (<see cref="StagedCommit"/>), and <see cref="Merge"/>
/// moves the group to its epoch. A commit this member created waits in <see cref="HasPendingCommit"/>
/// until it comes back through <see cref="Process"/>, staged like any other; if another member's
/// commit is merged instead, the pending one is dropped and its changes must be proposed again.
/// The group reads the time from its <see cref="TimeProvider"/> to check KeyPackage and leaf
/// lifetimes (§7.2). Not thread-safe. A rejected message throws
/// <see cref="MessageRejectedException"/> or <see cref="DecodeException"/>.
/// </remarks>
public sealed partial class MlsGroup : IDisposable
{
    /// <summary>The most past epochs a member may keep.</summary>
    public const int MaxRetainedPastEpochs = 8;

    private SignaturePrivateKey _signer;
    private readonly IRandom _random;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Secret> _externalPsks = [];
    private readonly List<PastEpoch> _past = [];
    private readonly List<StagedCommit> _staged = [];
    private GroupEpoch _epoch;
    private int _retainedPastEpochs;
    private PendingCommit? _pending;
    private bool _disposed;

    private MlsGroup(GroupEpoch epoch, SignaturePrivateKey signer, IRandom random, TimeProvider time)
    {
        _epoch = epoch;
        _signer = signer;
        _random = random;
        _time = time;

        // A new or joined group has stored nothing yet; Restore clears this.
        _epochChanged = true;
    }

    /// <summary>The group's identifier.</summary>
    public byte[] GroupId => State.GroupId.ToArray();

    /// <summary>The current epoch.</summary>
    public ulong Epoch => State.Epoch;

    /// <summary>The group's ciphersuite.</summary>
    public CipherSuiteId CipherSuite => State.Suite.Id;

    /// <summary>This member's leaf index.</summary>
    public uint OwnLeafIndex => State.OwnLeaf;

    /// <summary>False once a merged commit removed this member.</summary>
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
    /// until it ages out (and is stored whole with the epoch state). Courier's cells resend late
    /// messages in the new epoch instead.
    /// </summary>
    public int RetainedPastEpochs
    {
        get => _retainedPastEpochs;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRetainedPastEpochs);
            _epochChanged |= value != _retainedPastEpochs;
            _retainedPastEpochs = value;
            while (_past.Count > value)
            {
                _past[0].Dispose();
                _past.RemoveAt(0);
            }
        }
    }

    /// <summary>The members, in leaf order.</summary>
    public IReadOnlyList<GroupMember> Members => MembersOf(State.Tree);

    /// <summary>
    /// <c>SignWithLabel</c> (RFC 9420 §5.1.2) by this member's leaf signature key, for a statement the
    /// application makes outside MLS messages (the label keeps it apart from every MLS signature).
    /// </summary>
    public byte[] SignAsMember(string label, ReadOnlySpan<byte> content) => State.Suite.SignWithLabel(_signer, label, content);

    /// <summary>Whether <paramref name="signature"/> is <c>SignWithLabel</c> (§5.1.2) over <paramref name="content"/> by the leaf signature key of <paramref name="member"/>, under this group's ciphersuite.</summary>
    public bool VerifyMemberSignature(GroupMember member, string label, ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature)
        => State.Suite.VerifyWithLabel((member ?? throw new ArgumentNullException(nameof(member))).SignatureKey, label, content, signature);

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

    private GroupEpoch ActiveState => State switch
    {
        { Removed: true } => throw new InvalidOperationException("This member was removed from the group."),
        { PendingReInit: not null } => throw new InvalidOperationException("The group was reinitialized: continue in its successor."),
        var epoch => epoch,
    };

    /// <summary>The time for lifetime checks (§7.2), in seconds since 1970.</summary>
    private ulong Now => (ulong)Math.Max(0, _time.GetUtcNow().ToUnixTimeSeconds());

    private PskResolver Psks => new(id => id.PskType == PSKType.External && _externalPsks.TryGetValue(Convert.ToHexString(id.PskId!), out var psk) ? psk : null);

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
        _epochChanged = true;
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
        RecordSent(epoch, message, ProcessedKind.Application);
        return message;
    }

    /// <summary>
    /// A signed MLSMessage(GroupInfo) of the current epoch, with external_pub and (unless
    /// <paramref name="includeRatchetTree"/> is false, when joiners get it from <see cref="RatchetTree"/>)
    /// the ratchet tree, for external joins (§12.4.3.2).
    /// </summary>
    public byte[] GroupInfo(bool includeRatchetTree = true)
    {
        var epoch = ActiveState;
        var extensions = CommitCreation.GroupInfoExtensions(epoch.Suite, epoch.Tree, epoch.Secrets, CommitSettings.Default with { RatchetTreeInGroupInfo = includeRatchetTree });
        var tag = TranscriptHash.ConfirmationTag.Compute(epoch.Suite, epoch.Secrets.ConfirmationKey, epoch.Context.ConfirmedTranscriptHash);
        return new MLSMessage(GroupInfoSigning.Sign(epoch.Suite, new GroupInfoTBS(epoch.Context, extensions, tag, epoch.OwnLeaf), _signer)).ToBytes();
    }

    /// <summary>The current ratchet tree, <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>, for joiners that get it out of band (§12.4.3.3).</summary>
    public byte[] RatchetTree() => State.Tree.ToBytes();

    /// <summary>Wipes every secret of the group.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DiscardPendingCommit();
        WipeStaged();
        _past.ForEach(p => p.Dispose());
        _epoch?.Dispose();
        _signer.Dispose();
        foreach (var psk in _externalPsks.Values)
        {
            psk.Dispose();
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
        return signer.Copy();
    }

    /// <summary>Moves to <paramref name="next"/>: the pending commit and every other staged commit are dropped, the old epoch is retired or wiped.</summary>
    private void MoveTo(GroupEpoch next)
    {
        DiscardPendingCommit();
        WipeStaged();
        var old = _epoch;
        _epoch = next;
        _epochChanged = true;
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

    private void WipeStaged()
    {
        _staged.ForEach(s => s.Wipe());
        _staged.Clear();
    }

    /// <summary>Remembers a message this member sent in <paramref name="epoch"/>, to recognize it when the delivery service hands it back.</summary>
    private void RecordSent(GroupEpoch epoch, byte[] message, ProcessedKind kind)
    {
        var fingerprint = Fingerprint(message);
        epoch.Sent[fingerprint] = kind;
        if (epoch == _epoch)
        {
            _sentChanged.Add(fingerprint);
        }
    }

    /// <summary>A fresh psk_nonce of KDF.Nh bytes (§8.4), of the group's suite or, before there is an epoch, of <paramref name="suite"/>.</summary>
    private byte[] Nonce(CipherSuite? suite = null)
    {
        var nonce = new byte[(suite ?? _epoch.Suite).HashSize];
        _random.Fill(nonce);
        return nonce;
    }

    private static string Fingerprint(ReadOnlySpan<byte> message) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(message));

    /// <summary>This member's commit awaiting its order; <paramref name="NewSigner"/> is the key its new leaf carries, when it changes (<see cref="CommitRequest.NewIdentity"/>).</summary>
    private sealed record PendingCommit(byte[] Message, GroupEpoch Staged, SignaturePrivateKey? NewSigner = null);
}
