using System.Security.Cryptography;
using MlsClient;

namespace Courier.Mls.InteropRunner;

/// <summary>Steps that commit and process commits, and protect/unprotect application messages.</summary>
internal sealed partial class ScriptRun
{
    /// <summary>
    /// The actor commits the proposals of the <c>byReference</c> steps and the <c>byValue</c>
    /// descriptions (with <c>force_path</c>, <c>external_tree</c>) and processes its own Commit;
    /// every one of <c>members</c> processes it (given all by-reference proposals) and every one
    /// of <c>joiners</c> joins from the Welcome with its last KeyPackage; all must agree with the
    /// committer on the epoch authenticator.
    /// </summary>
    private async Task FullCommitAsync(ScriptStep step)
    {
        var p = step.Params;
        var (request, byReference) = BuildCommit(step);
        var members = p.Strings("members");
        var joiners = p.Strings("joiners");
        var externalTree = request.ExternalTree;

        var commit = await Call(step.Actor, "Commit", (c, o) => c.CommitAsync(request, o));
        messages.Store(step.Index, "welcome", commit.Welcome.Span);
        messages.Store(step.Index, "commit", commit.Commit.Span);
        if (externalTree)
        {
            messages.Store(step.Index, "ratchet_tree", commit.RatchetTree.Span);
        }

        var pending = await Call(step.Actor, "HandlePendingCommit", (c, o) => c.HandlePendingCommitAsync(
            new HandlePendingCommitRequest { StateId = StateOf(step.Actor) }, o));
        stateIds[step.Actor] = pending.StateId;
        messages.Store(step.Index, "epoch_authenticator", pending.EpochAuthenticator.Span);

        foreach (var member in members)
        {
            var handleRequest = new HandleCommitRequest { StateId = StateOf(member), Commit = commit.Commit };
            handleRequest.Proposal.AddRange(byReference);
            var handled = await Call(member, "HandleCommit", (c, o) => c.HandleCommitAsync(handleRequest, o));
            stateIds[member] = handled.StateId;
            await ExpectSameEpochAsync(member, handled.EpochAuthenticator, step.Actor, pending.EpochAuthenticator, $"Member [{member}]");
        }

        foreach (var joiner in joiners)
        {
            var joinRequest = new JoinGroupRequest
            {
                TransactionId = TransactionOf(joiner),
                Welcome = commit.Welcome,
                EncryptHandshake = encryptHandshake,
                Identity = Identity(joiner),
            };
            if (externalTree)
            {
                joinRequest.RatchetTree = commit.RatchetTree;
            }

            var joined = await Call(joiner, "JoinGroup", (c, o) => c.JoinGroupAsync(joinRequest, o));
            stateIds[joiner] = joined.StateId;
            await ExpectSameEpochAsync(joiner, joined.EpochAuthenticator, step.Actor, pending.EpochAuthenticator, $"Joiner [{joiner}]");
        }
    }

    /// <summary>The actor makes a Commit and keeps it pending; nobody processes it in this step.</summary>
    private async Task CommitAsync(ScriptStep step)
    {
        var (request, _) = BuildCommit(step);
        var commit = await Call(step.Actor, "Commit", (c, o) => c.CommitAsync(request, o));
        messages.Store(step.Index, "commit", commit.Commit.Span);
        messages.Store(step.Index, "welcome", commit.Welcome.Span);
        if (request.ExternalTree)
        {
            messages.Store(step.Index, "ratchet_tree", commit.RatchetTree.Span);
        }
    }

    /// <summary>The actor processes the Commit of step <c>commit</c> with the <c>byReference</c> proposals (no authenticator check).</summary>
    private async Task HandleCommitAsync(ScriptStep step)
    {
        var commit = messages.Get(step.Params.Int("commit"), "commit");
        var request = new HandleCommitRequest { StateId = StateOf(step.Actor), Commit = Bytes(commit) };
        request.Proposal.AddRange(ProposalsAt(step.Params.Ints("byReference")));
        var handled = await Call(step.Actor, "HandleCommit", (c, o) => c.HandleCommitAsync(request, o));
        stateIds[step.Actor] = handled.StateId;
    }

    private async Task HandlePendingCommitAsync(ScriptStep step)
    {
        var pending = await Call(step.Actor, "HandlePendingCommit", (c, o) => c.HandlePendingCommitAsync(
            new HandlePendingCommitRequest { StateId = StateOf(step.Actor) }, o));
        stateIds[step.Actor] = pending.StateId;
    }

    private async Task ProtectAsync(ScriptStep step)
    {
        var authenticatedData = System.Text.Encoding.UTF8.GetBytes(step.Params.String("authenticatedData"));
        var plaintext = System.Text.Encoding.UTF8.GetBytes(step.Params.String("plaintext"));
        var r = await Call(step.Actor, "Protect", (c, o) => c.ProtectAsync(new ProtectRequest
        {
            StateId = StateOf(step.Actor),
            AuthenticatedData = Bytes(authenticatedData),
            Plaintext = Bytes(plaintext),
        }, o));
        messages.Store(step.Index, "authenticatedData", authenticatedData);
        messages.Store(step.Index, "plaintext", plaintext);
        messages.Store(step.Index, "ciphertext", r.Ciphertext.Span);
    }

    /// <summary>The actor decrypts the message of step <c>ciphertext</c>; plaintext and authenticated data must be the ones protected.</summary>
    private async Task UnprotectAsync(ScriptStep step)
    {
        var at = step.Params.Int("ciphertext");
        var ciphertext = messages.Get(at, "ciphertext");
        var r = await Call(step.Actor, "Unprotect", (c, o) => c.UnprotectAsync(
            new UnprotectRequest { StateId = StateOf(step.Actor), Ciphertext = Bytes(ciphertext) }, o));
        if (!CryptographicOperations.FixedTimeEquals(messages.Get(at, "authenticatedData"), r.AuthenticatedData.Span))
        {
            throw new InteropCheckException("Incorrect authenticated data");
        }

        if (!CryptographicOperations.FixedTimeEquals(messages.Get(at, "plaintext"), r.Plaintext.Span))
        {
            throw new InteropCheckException("Incorrect plaintext");
        }

        messages.Store(step.Index, "authenticatedData", r.AuthenticatedData.Span);
        messages.Store(step.Index, "plaintext", r.Plaintext.Span);
    }

    /// <summary>The CommitRequest of a commit or fullCommit step, and its by-reference proposals.</summary>
    private (CommitRequest Request, List<Google.Protobuf.ByteString> ByReference) BuildCommit(ScriptStep step)
    {
        var p = step.Params;
        var byReference = ProposalsAt(p.Ints("byReference"));
        var request = new CommitRequest
        {
            StateId = StateOf(step.Actor),
            ForcePath = p.Bool("force_path"),
            ExternalTree = p.Bool("external_tree"),
        };
        request.ByReference.AddRange(byReference);
        request.ByValue.AddRange(p.Objects("byValue").Select(Describe));
        return (request, byReference);
    }
}
