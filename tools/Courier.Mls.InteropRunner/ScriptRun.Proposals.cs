using MlsClient;

namespace Courier.Mls.InteropRunner;

/// <summary>
/// Steps that make proposals, each stored as "proposal" for a later commit by reference: by a
/// member (add, update, remove, external PSK, resumption PSK, GroupContextExtensions), by a new
/// member (newMemberAddProposal) and by an external signer (addExternalSigner, externalSignerProposal).
/// </summary>
internal sealed partial class ScriptRun
{
    private async Task AddProposalAsync(ScriptStep step)
    {
        var keyPackage = messages.Get(step.Params.Int("keyPackage"), "key_package");
        var r = await Call(step.Actor, "AddProposal", (c, o) => c.AddProposalAsync(
            new AddProposalRequest { StateId = StateOf(step.Actor), KeyPackage = Bytes(keyPackage) }, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }

    private async Task UpdateProposalAsync(ScriptStep step)
    {
        var r = await Call(step.Actor, "UpdateProposal", (c, o) => c.UpdateProposalAsync(
            new UpdateProposalRequest { StateId = StateOf(step.Actor) }, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }

    /// <summary>Removes the member whose basic-credential identity is <c>removed</c>.</summary>
    private async Task RemoveProposalAsync(ScriptStep step)
    {
        var removed = step.Params.String("removed");
        var r = await Call(step.Actor, "RemoveProposal", (c, o) => c.RemoveProposalAsync(
            new RemoveProposalRequest { StateId = StateOf(step.Actor), RemovedId = Identity(removed) }, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }

    private async Task ExternalPskProposalAsync(ScriptStep step)
    {
        var pskId = messages.Get(step.Params.Int("pskID"), "psk_id");
        var r = await Call(step.Actor, "ExternalPSKProposal", (c, o) => c.ExternalPSKProposalAsync(
            new ExternalPSKProposalRequest { StateId = StateOf(step.Actor), PskId = Bytes(pskId) }, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }

    private async Task ResumptionPskProposalAsync(ScriptStep step)
    {
        var epoch = (ulong)step.Params.Int("epochID");
        var r = await Call(step.Actor, "ResumptionPSKProposal", (c, o) => c.ResumptionPSKProposalAsync(
            new ResumptionPSKProposalRequest { StateId = StateOf(step.Actor), EpochId = epoch }, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }

    private async Task GroupContextExtensionsProposalAsync(ScriptStep step)
    {
        var request = new GroupContextExtensionsProposalRequest { StateId = StateOf(step.Actor) };
        request.Extensions.AddRange(step.Params.Extensions("extensions"));
        var r = await Call(step.Actor, "GroupContextExtensionsProposal", (c, o) => c.GroupContextExtensionsProposalAsync(request, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }

    /// <summary>
    /// The actor gives a GroupInfo (tree included) and the <c>joiner</c> makes a self-signed Add
    /// proposal from it; the joiner's transaction id is kept for joining later.
    /// </summary>
    private async Task NewMemberAddProposalAsync(ScriptStep step)
    {
        var joiner = step.Params.String("joiner");
        var info = await Call(step.Actor, "GroupInfo", (c, o) => c.GroupInfoAsync(
            new GroupInfoRequest { StateId = StateOf(step.Actor) }, o));
        var r = await Call(joiner, "NewMemberAddProposal", (c, o) => c.NewMemberAddProposalAsync(
            new NewMemberAddProposalRequest { GroupInfo = info.GroupInfo, Identity = Identity(joiner) }, o));
        transactionIds[joiner] = r.TransactionId;
        messages.Store(step.Index, "proposal", r.Proposal.Span);
        messages.Store(step.Index, "init_priv", r.InitPriv.Span);
        messages.Store(step.Index, "encryption_priv", r.EncryptionPriv.Span);
        messages.Store(step.Index, "signature_priv", r.SignaturePriv.Span);
    }

    /// <summary>
    /// The <c>signer</c> creates an external signer; the actor proposes (GroupContextExtensions)
    /// adding it to the group's external_senders.
    /// </summary>
    private async Task AddExternalSignerAsync(ScriptStep step)
    {
        var signer = step.Params.String("signer");
        var created = await Call(signer, "CreateExternalSigner", (c, o) => c.CreateExternalSignerAsync(
            new CreateExternalSignerRequest { CipherSuite = cipherSuite, Identity = Identity(signer) }, o));
        signerIds[signer] = created.SignerId;
        var r = await Call(step.Actor, "AddExternalSigner", (c, o) => c.AddExternalSignerAsync(
            new AddExternalSignerRequest { StateId = StateOf(step.Actor), ExternalSender = created.ExternalSender }, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }

    /// <summary>
    /// The <c>member</c> gives a GroupInfo with the tree apart; the actor, an external signer,
    /// makes the proposal of <c>description</c> from it (signer_index left 0, as the runner does).
    /// </summary>
    private async Task ExternalSignerProposalAsync(ScriptStep step)
    {
        var member = step.Params.String("member");
        var info = await Call(member, "GroupInfo", (c, o) => c.GroupInfoAsync(
            new GroupInfoRequest { StateId = StateOf(member), ExternalTree = true }, o));
        var description = Describe(step.Params.Object("description"));
        var signerId = signerIds.TryGetValue(step.Actor, out var id) ? id : 0u;
        var r = await Call(step.Actor, "ExternalSignerProposal", (c, o) => c.ExternalSignerProposalAsync(new ExternalSignerProposalRequest
        {
            SignerId = signerId,
            GroupInfo = info.GroupInfo,
            RatchetTree = info.RatchetTree,
            Description = description,
        }, o));
        messages.Store(step.Index, "proposal", r.Proposal.Span);
    }
}
