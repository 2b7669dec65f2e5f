namespace Courier.Mls.Group;

/// <summary>Proposals (RFC 9420 §12.1) and commits (§12.4) this member creates.</summary>
public sealed partial class MlsGroup
{
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
        var key = epoch.Suite.Hpke.Kem.GenerateKeyPair(_random);
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
    /// Creates a commit (§12.4) of what <paramref name="request"/> asks for and of every proposal
    /// received in this epoch. The group stays in its epoch: the commit is pending until it comes back
    /// through <see cref="Process"/> and its staged commit is merged, or until it is discarded.
    /// </summary>
    public CommitResult Commit(CommitRequest? request = null)
    {
        var epoch = ActiveState;
        request ??= new CommitRequest();
        if (_pending is not null)
        {
            throw new InvalidOperationException("A commit is already pending; merge or discard it first.");
        }

        var proposals = new List<Proposal>();
        foreach (var leaf in request.Remove)
        {
            proposals.Add(new Proposal(new Remove(leaf)));
        }

        foreach (var bytes in request.Add)
        {
            var keyPackage = MLSMessage.FromBytes(bytes).KeyPackage
                ?? throw new MessageRejectedException(MlsCheck.WireFormat, "an added member's message is not a KeyPackage");
            proposals.Add(new Proposal(new Add(keyPackage)));
        }

        foreach (var pskId in request.ExternalPskIds)
        {
            proposals.Add(new Proposal(new PreSharedKey(PreSharedKeyID.External(pskId, Nonce()))));
        }

        foreach (var pskEpoch in request.ResumptionPskEpochs)
        {
            proposals.Add(new Proposal(new PreSharedKey(PreSharedKeyID.Resumption(ResumptionPSKUsage.Application, epoch.GroupId, pskEpoch, Nonce()))));
        }

        if (request.GroupContextExtensions is { } extensions)
        {
            proposals.Add(new Proposal(new GroupContextExtensions(extensions.Select(e => new Extension(e.Type, e.Data)).ToList())));
        }

        var ownLeaf = epoch.Tree.GetLeaf(epoch.OwnLeaf)!;
        var template = LeafNodeTemplate.From(ownLeaf);
        var newSigner = request.NewIdentity is not null ? SignaturePrivateKey.Generate(_random, epoch.Suite.Id) : null;
        if (request.NewIdentity is not null)
        {
            template = template with { Credential = Credential.Basic([.. request.NewIdentity]) };
        }

        var settings = CommitSettings.Default with
        {
            WireFormat = EncryptHandshakes ? WireFormat.MlsPrivateMessage : WireFormat.MlsPublicMessage,
            RatchetTreeInGroupInfo = request.IncludeRatchetTree,
        };
        CreatedCommit created;
        try
        {
            created = CommitCreation.Create(epoch, _signer, proposals, template, settings, Psks, _random, Now, newSigner);
        }
        catch
        {
            newSigner?.Dispose();
            throw;
        }

        var message = created.Commit.ToBytes();
        _pending = new PendingCommit(message, created.Staged, newSigner);
        _epochChanged = true;
        return new CommitResult(message, created.Welcome?.ToBytes(), new MLSMessage(created.GroupInfo).ToBytes())
        {
            RatchetTree = request.IncludeRatchetTree ? null : created.Staged.Tree.ToBytes(),
        };
    }

    /// <summary>
    /// RFC 9420 §8.5: MLS-Exporter(label, context, length) of the epoch this member's pending commit
    /// starts, before it is merged (to prepare where that epoch's messages will go). The caller owns the secret.
    /// </summary>
    /// <exception cref="InvalidOperationException">No commit of this member is pending.</exception>
    public Secret ExportPending(string label, ReadOnlySpan<byte> context, int length)
        => (_pending ?? throw new InvalidOperationException("No commit of this member is pending.")).Staged.Secrets.Export(label, context, length);

    /// <summary>Drops this member's pending commit; its staged commit, if <see cref="Process"/> returned one, can no longer be merged.</summary>
    public void DiscardPendingCommit()
    {
        if (_pending is null)
        {
            return;
        }

        _pending.Staged.Dispose();
        _pending.NewSigner?.Dispose();
        _pending = null;
        _epochChanged = true;
    }

    private byte[] Propose(IProposalBody body)
    {
        var epoch = ActiveState;
        var proposal = new Proposal(body);
        var sender = Sender.Member(epoch.OwnLeaf);
        ProposalValidation.Validate(epoch, proposal, sender, Now);
        var framed = FramedContent.ForProposal(epoch.GroupId, epoch.Epoch, sender, [], proposal);
        var wireFormat = EncryptHandshakes ? WireFormat.MlsPrivateMessage : WireFormat.MlsPublicMessage;
        var content = ContentAuthentication.Sign(epoch.Suite, wireFormat, framed, epoch.Context, _signer, null);
        var message = EncryptHandshakes
            ? new MLSMessage(PrivateMessageProtection.Protect(epoch.Suite, content, epoch.SecretTree, epoch.Secrets.SenderDataSecret, 0, _random))
            : new MLSMessage(PublicMessageProtection.Protect(epoch.Suite, content, epoch.Context, epoch.Secrets.MembershipKey.Span));
        var bytes = message.ToBytes();
        epoch.Proposals.Add(new CachedProposal(CachedProposal.ReferenceOf(epoch.Suite, content), proposal, sender));
        _epochChanged = true;
        RecordSent(epoch, bytes, ProcessedKind.Proposal);
        return bytes;
    }
}
