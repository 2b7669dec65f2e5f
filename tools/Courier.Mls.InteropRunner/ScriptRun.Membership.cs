using System.Security.Cryptography;
using MlsClient;

namespace Courier.Mls.InteropRunner;

/// <summary>Steps that make groups and members: createGroup, createKeyPackage, joinGroup, externalJoin, installExternalPSK, groupInfo.</summary>
internal sealed partial class ScriptRun
{
    /// <summary>
    /// The actor creates a group with a fresh UUID as group id; when <c>members</c> are given, each
    /// makes a KeyPackage, the creator commits Adds for them by value and processes its own
    /// Commit, and each joins from the Welcome, agreeing on the epoch authenticator.
    /// </summary>
    private async Task CreateGroupAsync(ScriptStep step)
    {
        var members = step.Params.Strings("members");
        var groupId = Guid.NewGuid().ToString();
        var created = await Call(step.Actor, "CreateGroup", (c, o) => c.CreateGroupAsync(new CreateGroupRequest
        {
            GroupId = Utf8(groupId),
            CipherSuite = cipherSuite,
            EncryptHandshake = encryptHandshake,
            Identity = Identity(step.Actor),
        }, o));
        stateIds[step.Actor] = created.StateId;
        messages.Store(step.Index, "group_id", System.Text.Encoding.UTF8.GetBytes(groupId));
        if (members.Count == 0)
        {
            return;
        }

        var keyPackages = new List<CreateKeyPackageResponse>();
        foreach (var member in members)
        {
            keyPackages.Add(await Call(member, "CreateKeyPackage", (c, o) => c.CreateKeyPackageAsync(
                new CreateKeyPackageRequest { CipherSuite = cipherSuite, Identity = Identity(member) }, o)));
        }

        var commitRequest = new CommitRequest { StateId = StateOf(step.Actor) };
        commitRequest.ByValue.AddRange(keyPackages.Select(k => new ProposalDescription { ProposalType = Utf8("add"), KeyPackage = k.KeyPackage }));
        var commit = await Call(step.Actor, "Commit", (c, o) => c.CommitAsync(commitRequest, o));

        var pending = await Call(step.Actor, "HandlePendingCommit", (c, o) => c.HandlePendingCommitAsync(
            new HandlePendingCommitRequest { StateId = StateOf(step.Actor) }, o));
        stateIds[step.Actor] = pending.StateId;

        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            var tx = keyPackages[i].TransactionId;
            var joined = await Call(member, "JoinGroup", (c, o) => c.JoinGroupAsync(new JoinGroupRequest
            {
                TransactionId = tx,
                Welcome = commit.Welcome,
                EncryptHandshake = encryptHandshake,
                Identity = Identity(member),
            }, o));
            stateIds[member] = joined.StateId;
            await ExpectSameEpochAsync(member, joined.EpochAuthenticator, step.Actor, pending.EpochAuthenticator, $"Joiner [{member}]");
        }
    }

    private async Task CreateKeyPackageAsync(ScriptStep step)
    {
        var kp = await Call(step.Actor, "CreateKeyPackage", (c, o) => c.CreateKeyPackageAsync(
            new CreateKeyPackageRequest { CipherSuite = cipherSuite, Identity = Identity(step.Actor) }, o));
        transactionIds[step.Actor] = kp.TransactionId;
        messages.Store(step.Index, "key_package", kp.KeyPackage.Span);
    }

    /// <summary>The actor joins from the Welcome of step <c>welcome</c> with its last KeyPackage (no authenticator check).</summary>
    private async Task JoinGroupAsync(ScriptStep step)
    {
        var welcome = messages.Get(step.Params.Int("welcome"), "welcome");
        var tx = TransactionOf(step.Actor);
        var joined = await Call(step.Actor, "JoinGroup", (c, o) => c.JoinGroupAsync(new JoinGroupRequest
        {
            TransactionId = tx,
            Welcome = Bytes(welcome),
            EncryptHandshake = encryptHandshake,
            Identity = Identity(step.Actor),
        }, o));
        stateIds[step.Actor] = joined.StateId;
    }

    /// <summary>
    /// The actor gives a GroupInfo (with or without the tree), the <c>joiner</c> makes an external
    /// Commit (with the PSKs of the given installExternalPSK steps, and <c>removePrior</c>), then
    /// the <c>members</c> and the actor process it and must agree on the epoch authenticator.
    /// </summary>
    private async Task ExternalJoinAsync(ScriptStep step)
    {
        var p = step.Params;
        var joiner = p.String("joiner");
        var members = p.Strings("members");
        var externalTree = p.Bool("externalTree");
        var removePrior = p.Bool("removePrior");
        var pskSteps = p.Ints("psks");

        var info = await Call(step.Actor, "GroupInfo", (c, o) => c.GroupInfoAsync(
            new GroupInfoRequest { StateId = StateOf(step.Actor), ExternalTree = externalTree }, o));
        messages.Store(step.Index, "group_info", info.GroupInfo.Span);
        messages.Store(step.Index, "ratchet_tree", info.RatchetTree.Span);

        var request = new ExternalJoinRequest
        {
            GroupInfo = info.GroupInfo,
            RatchetTree = info.RatchetTree,
            EncryptHandshake = encryptHandshake,
            Identity = Identity(joiner),
            RemovePrior = removePrior,
        };
        foreach (var i in pskSteps)
        {
            request.Psks.Add(new PreSharedKey { PskId = Bytes(messages.Get(i, "psk_id")), PskSecret = Bytes(messages.Get(i, "psk_secret")) });
        }

        var joined = await Call(joiner, "ExternalJoin", (c, o) => c.ExternalJoinAsync(request, o));
        stateIds[joiner] = joined.StateId;
        messages.Store(step.Index, "commit", joined.Commit.Span);
        messages.Store(step.Index, "epoch_authenticator", joined.EpochAuthenticator.Span);

        foreach (var member in members.Append(step.Actor))
        {
            var handled = await Call(member, "HandleCommit", (c, o) => c.HandleCommitAsync(
                new HandleCommitRequest { StateId = StateOf(member), Commit = joined.Commit }, o));
            stateIds[member] = handled.StateId;
            await ExpectSameEpochAsync(member, handled.EpochAuthenticator, joiner, joined.EpochAuthenticator, $"Member [{member}]");
        }
    }

    /// <summary>
    /// A fresh random 32-byte PSK id and secret, stored at each of <c>clients</c> under its state
    /// id, else its KeyPackage transaction id, else 0.
    /// </summary>
    private async Task InstallExternalPskAsync(ScriptStep step)
    {
        var pskId = RandomNumberGenerator.GetBytes(32);
        var pskSecret = RandomNumberGenerator.GetBytes(32);
        messages.Store(step.Index, "psk_id", pskId);
        messages.Store(step.Index, "psk_secret", pskSecret);
        foreach (var actor in step.Params.Strings("clients"))
        {
            var id = stateIds.TryGetValue(actor, out var s) ? s : transactionIds.TryGetValue(actor, out var t) ? t : 0u;
            await Call(actor, "StorePSK", (c, o) => c.StorePSKAsync(new StorePSKRequest
            {
                StateOrTransactionId = id,
                PskId = Bytes(pskId),
                PskSecret = Bytes(pskSecret),
            }, o));
        }
    }

    private async Task GroupInfoAsync(ScriptStep step)
    {
        var info = await Call(step.Actor, "GroupInfo", (c, o) => c.GroupInfoAsync(
            new GroupInfoRequest { StateId = StateOf(step.Actor), ExternalTree = step.Params.Bool("externalTree") }, o));
        messages.Store(step.Index, "group_info", info.GroupInfo.Span);
        messages.Store(step.Index, "ratchet_tree", info.RatchetTree.Span);
    }

    private uint TransactionOf(string actor) =>
        transactionIds.TryGetValue(actor, out var tx)
            ? tx
            : throw new ScriptFormatException($"Malformed step: No transaction for {actor}");
}
