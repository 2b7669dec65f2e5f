using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Google.Protobuf;
using Grpc.Core;
using MlsClient;

namespace Courier.Mls.Interop;

/// <summary>Reinitialization (RFC 9420 §11.2), branches (§11.3) and external senders (§12.1.8).</summary>
internal sealed partial class MlsClientService
{
    /// <summary>
    /// The welcomer creates the new group with the other members' new KeyPackages. Its Welcome
    /// always carries the ratchet tree; with external_tree the tree is also returned on its own.
    /// </summary>
    public override Task<CreateSubgroupResponse> ReInitWelcome(ReInitWelcomeRequest request, ServerCallContext context) => Call(() =>
    {
        var reInit = ReInitOf(request.ReinitId);
        var resumed = reInit.Old.Group.ReInitialize(reInit.Bundle, request.KeyPackage.Select(k => k.ToByteArray()));
        resumed.Group.EncryptHandshakes = reInit.Old.Group.EncryptHandshakes;
        var id = store.Add(new GroupEntry(resumed.Group, reInit.Old.Identity));
        store.Finish(request.ReinitId);
        return Subgroup(id, resumed, request.ExternalTree);
    });

    public override Task<JoinGroupResponse> HandleReInitWelcome(HandleReInitWelcomeRequest request, ServerCallContext context) => Call(() =>
    {
        var reInit = ReInitOf(request.ReinitId);
        var group = MlsGroup.JoinFromWelcome(request.Welcome.Span, reInit.Bundle, Random, Clock, new JoinOptions { RatchetTree = Tree(request.RatchetTree), ResumedFrom = reInit.Old.Group });
        group.EncryptHandshakes = reInit.Old.Group.EncryptHandshakes;
        var id = store.Add(new GroupEntry(group, reInit.Old.Identity));
        store.Finish(request.ReinitId);
        return new JoinGroupResponse { StateId = id, EpochAuthenticator = Bytes(group.EpochAuthenticator()) };
    });

    /// <summary>A branch with the members of the given KeyPackages; this member joins it with a fresh KeyPackage.</summary>
    public override Task<CreateSubgroupResponse> CreateBranch(CreateBranchRequest request, ServerCallContext context) => Call(() =>
    {
        var entry = StateOf(request.StateId);
        using var self = NewBundle((uint)entry.Group.CipherSuite, entry.Identity);
        var resumed = entry.Group.Branch(request.GroupId.ToByteArray(), self, request.KeyPackages.Select(k => k.ToByteArray()), Extensions(request.Extensions));
        resumed.Group.EncryptHandshakes = entry.Group.EncryptHandshakes;
        var id = store.Add(new GroupEntry(resumed.Group, entry.Identity));
        return Subgroup(id, resumed, request.ExternalTree);
    });

    public override Task<HandleBranchResponse> HandleBranch(HandleBranchRequest request, ServerCallContext context) => Call(() =>
    {
        var entry = StateOf(request.StateId);
        var transaction = TransactionOf(request.TransactionId);
        var group = MlsGroup.JoinFromWelcome(request.Welcome.Span, transaction.Bundle, Random, Clock, new JoinOptions { RatchetTree = Tree(request.RatchetTree), ExternalPsks = transaction.PskPairs, ResumedFrom = entry.Group });
        group.EncryptHandshakes = entry.Group.EncryptHandshakes;
        var id = store.Add(new GroupEntry(group, transaction.Identity));
        store.Transactions.Remove(request.TransactionId);
        transaction.Dispose();
        return new HandleBranchResponse { StateId = id, EpochAuthenticator = Bytes(group.EpochAuthenticator()) };
    });

    /// <summary>An outsider's own Add proposal (§12.1.8); its KeyPackage waits under a transaction_id for the Welcome.</summary>
    public override Task<NewMemberAddProposalResponse> NewMemberAddProposal(NewMemberAddProposalRequest request, ServerCallContext context) => Call(() =>
    {
        var (suite, _) = Wire.GroupInfoHeader(request.GroupInfo.Span);
        var bundle = NewBundle(suite, request.Identity.Span);
        byte[] proposal;
        try
        {
            proposal = MlsGroup.ProposeAddAsNewMember(request.GroupInfo.Span, bundle);
        }
        catch
        {
            bundle.Dispose();
            throw;
        }

        var (id, keys) = StoreTransaction(bundle, request.Identity.ToByteArray());
        return new NewMemberAddProposalResponse
        {
            TransactionId = id,
            Proposal = Bytes(proposal),
            InitPriv = keys.InitPriv,
            EncryptionPriv = keys.EncryptionPriv,
            SignaturePriv = keys.SignaturePriv,
        };
    });

    /// <summary>A signature key and the bare ExternalSender (basic credential) naming it (§12.1.8.1).</summary>
    public override Task<CreateExternalSignerResponse> CreateExternalSigner(CreateExternalSignerRequest request, ServerCallContext context) => Call(() =>
    {
        var suite = SuiteOf(request.CipherSuite);
        var key = SignaturePrivateKey.Generate(Random, suite);
        var id = store.Add(key, suite);
        return new CreateExternalSignerResponse { SignerId = id, ExternalSender = Bytes(Wire.ExternalSender(key.PublicKey, request.Identity.Span)) };
    });

    /// <summary>
    /// A proposal of the external signer for the epoch of the GroupInfo (§12.1.8). Its sender_index is
    /// the signer's position in the group's external_senders, found by its key: the runner always
    /// sends signer_index 0, also for a second signer.
    /// </summary>
    public override Task<ProposalResponse> ExternalSignerProposal(ExternalSignerProposalRequest request, ServerCallContext context) => Call(() =>
    {
        var signer = store.Signers.TryGetValue(request.SignerId, out var entry) ? entry.Key : throw NotFound($"unknown signer_id {request.SignerId}");
        using var proposer = ExternalProposer.Create(request.GroupInfo.Span, signer, Random, Clock, Tree(request.RatchetTree));
        var description = request.Description;
        var proposal = description.ProposalType.ToStringUtf8() switch
        {
            "add" => proposer.ProposeAdd(description.KeyPackage.ToByteArray()),
            "remove" => proposer.ProposeRemove(LeafOf(proposer.Members, description.RemovedId.Span)),
            "externalPSK" => proposer.ProposeExternalPsk(description.PskId.ToByteArray()),
            "resumptionPSK" => proposer.ProposeResumptionPsk(description.EpochId),
            "groupContextExtensions" => proposer.ProposeGroupContextExtensions(Extensions(description.Extensions)),
            "reinit" => proposer.ProposeReInit(description.GroupId.ToByteArray(), SuiteOf(description.CipherSuite), Extensions(description.Extensions)),
            var other => throw Invalid($"unknown proposal type \"{other}\""),
        };
        return new ProposalResponse { Proposal = Bytes(proposal) };
    });

    private ReInitEntry ReInitOf(uint id) => store.ReInits.TryGetValue(id, out var entry) ? entry : throw NotFound($"unknown reinit_id {id}");

    private static CreateSubgroupResponse Subgroup(uint id, ResumedGroup resumed, bool externalTree) => new()
    {
        StateId = id,
        Welcome = resumed.Welcome is null ? ByteString.Empty : Bytes(resumed.Welcome),
        RatchetTree = externalTree ? Bytes(resumed.Group.RatchetTree()) : ByteString.Empty,
        EpochAuthenticator = Bytes(resumed.Group.EpochAuthenticator()),
    };
}
