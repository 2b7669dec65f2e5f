using Google.Protobuf;
using MlsClient;

namespace Courier.Mls.InteropRunner;

/// <summary>Steps that start a new group from an old one: reinit and branch.</summary>
internal sealed partial class ScriptRun
{
    /// <summary>
    /// ReInit: the <c>proposer</c> proposes it (or the external proposal of step
    /// <c>externalReinitProposal</c> is used), the <c>committer</c> commits it by reference and
    /// processes its own Commit, everyone else processes it; each gets a reinit id and a KeyPackage
    /// for the new group. The <c>welcomer</c> then creates the new group with the others'
    /// KeyPackages and everyone else joins it; both phases check the epoch authenticator.
    /// </summary>
    private async Task ReInitAsync(ScriptStep step)
    {
        var p = step.Params;
        var proposer = p.String("proposer");
        var committer = p.String("committer");
        var welcomer = p.String("welcomer");
        var members = p.Strings("members");
        var changeCipherSuite = p.Bool("changeCipherSuite");
        var changeGroupId = p.Bool("changeGroupID");
        var extensions = p.Extensions("extensions");
        var forcePath = p.Bool("forcePath");
        var externalTree = p.Bool("externalTree");
        var externalProposalStep = p.Int("externalReinitProposal");

        // Everyone in the group but the committer, and everyone but the welcomer.
        var everyone = new List<string> { welcomer, committer };
        everyone.AddRange(members);
        if (proposer.Length > 0)
        {
            everyone.Add(proposer);
        }

        var notCommitter = everyone.Distinct().Where(a => a != committer).ToList();
        var notWelcomer = everyone.Skip(1).Distinct().Where(a => a != welcomer).ToList();

        var newGroupId = NewGroupId(changeGroupId);
        if (changeCipherSuite)
        {
            ChangeCipherSuite();
        }

        ByteString proposal;
        if (proposer.Length > 0)
        {
            var proposalRequest = new ReInitProposalRequest { StateId = StateOf(proposer), CipherSuite = cipherSuite, GroupId = Bytes(newGroupId) };
            proposalRequest.Extensions.AddRange(extensions);
            proposal = (await Call(proposer, "ReInitProposal", (c, o) => c.ReInitProposalAsync(proposalRequest, o))).Proposal;
        }
        else
        {
            proposal = Bytes(messages.Get(externalProposalStep, "proposal"));
        }

        var reinitIds = new Dictionary<string, uint>();
        var keyPackages = new Dictionary<string, ByteString>();
        var commitRequest = new CommitRequest { StateId = StateOf(committer) };
        commitRequest.ByReference.Add(proposal);
        var commit = await Call(committer, "ReInitCommit", (c, o) => c.ReInitCommitAsync(commitRequest, o));
        var pending = await Call(committer, "HandlePendingReInitCommit", (c, o) => c.HandlePendingReInitCommitAsync(
            new HandlePendingCommitRequest { StateId = StateOf(committer) }, o));
        reinitIds[committer] = pending.ReinitId;
        keyPackages[committer] = pending.KeyPackage;

        foreach (var member in notCommitter)
        {
            var request = new HandleCommitRequest { StateId = StateOf(member), Commit = commit.Commit };
            request.Proposal.Add(proposal);
            var handled = await Call(member, "HandleReInitCommit", (c, o) => c.HandleReInitCommitAsync(request, o));
            ExpectEpochAuthenticator(handled.EpochAuthenticator, pending.EpochAuthenticator, $"Member [{member}]");
            reinitIds[member] = handled.ReinitId;
            keyPackages[member] = handled.KeyPackage;
        }

        var welcomeRequest = new ReInitWelcomeRequest
        {
            ReinitId = reinitIds.GetValueOrDefault(welcomer),
            ForcePath = forcePath,
            ExternalTree = externalTree,
        };
        welcomeRequest.KeyPackage.AddRange(notWelcomer.Select(keyPackages.GetValueOrDefault).Select(k => k ?? ByteString.Empty));
        var welcome = await Call(welcomer, "ReInitWelcome", (c, o) => c.ReInitWelcomeAsync(welcomeRequest, o));
        stateIds[welcomer] = welcome.StateId;
        var ratchetTree = externalTree ? welcome.RatchetTree : ByteString.Empty;

        foreach (var member in notWelcomer)
        {
            var joined = await Call(member, "HandleReInitWelcome", (c, o) => c.HandleReInitWelcomeAsync(new HandleReInitWelcomeRequest
            {
                ReinitId = reinitIds.GetValueOrDefault(member),
                Welcome = welcome.Welcome,
                RatchetTree = ratchetTree,
            }, o));
            ExpectEpochAuthenticator(joined.EpochAuthenticator, welcome.EpochAuthenticator, $"Member [{member}]");
            stateIds[member] = joined.StateId;
        }
    }

    /// <summary>
    /// Branch: each of <c>members</c> makes a KeyPackage, the actor creates a branch group (a fresh
    /// UUID as group id, <c>extensions</c>, <c>force_path</c>, <c>external_tree</c>) and every
    /// member joins it with its old state and must agree on the epoch authenticator; the old
    /// states are then freed.
    /// </summary>
    private async Task BranchAsync(ScriptStep step)
    {
        var p = step.Params;
        var members = p.Strings("members");
        var forcePath = p.Bool("force_path");
        var externalTree = p.Bool("external_tree");
        var extensions = p.Extensions("extensions");

        var transactions = new List<uint>();
        var branchRequest = new CreateBranchRequest
        {
            StateId = StateOf(step.Actor),
            GroupId = Utf8(Guid.NewGuid().ToString()),
            ForcePath = forcePath,
            ExternalTree = externalTree,
        };
        branchRequest.Extensions.AddRange(extensions);
        foreach (var member in members)
        {
            var kp = await Call(member, "CreateKeyPackage", (c, o) => c.CreateKeyPackageAsync(
                new CreateKeyPackageRequest { CipherSuite = cipherSuite, Identity = Identity(member) }, o));
            transactions.Add(kp.TransactionId);
            branchRequest.KeyPackages.Add(kp.KeyPackage);
        }

        var branch = await Call(step.Actor, "CreateBranch", (c, o) => c.CreateBranchAsync(branchRequest, o));
        stateIds[step.Actor] = branch.StateId;
        var ratchetTree = externalTree ? branch.RatchetTree : ByteString.Empty;

        var oldStates = new List<(string Actor, uint StateId)>();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            var tx = transactions[i];
            var joined = await Call(member, "HandleBranch", (c, o) => c.HandleBranchAsync(new HandleBranchRequest
            {
                StateId = StateOf(member),
                TransactionId = tx,
                Welcome = branch.Welcome,
                RatchetTree = ratchetTree,
            }, o));
            ExpectEpochAuthenticator(joined.EpochAuthenticator, branch.EpochAuthenticator, $"Member [{member}]");
            oldStates.Add((member, StateOf(member)));
            stateIds[member] = joined.StateId;
        }

        foreach (var (actor, stateId) in oldStates)
        {
            await Call(actor, "Free", (c, o) => c.FreeAsync(new FreeRequest { StateId = stateId }, o));
        }
    }
}
