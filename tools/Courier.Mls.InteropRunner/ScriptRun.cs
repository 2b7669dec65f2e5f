using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using MlsClient;

namespace Courier.Mls.InteropRunner;

/// <summary>
/// One run of a script under one <see cref="RunConfiguration"/>: performs the steps in order, each
/// as the working group's test runner (interop/test-runner/main.go) performs it, then frees every
/// actor's last state. A client's UNIMPLEMENTED answer, or an error of a client that one of its
/// known limitations explains, ends the run as skipped; any other error or a failed check ends it
/// as failed, naming the step and the client that raised the error.
/// </summary>
internal sealed partial class ScriptRun
{
    private readonly string file;
    private readonly Script script;
    private readonly PeerLimitations limitations;
    private readonly Dictionary<string, InteropClient> actorClients;
    private readonly bool encryptHandshake;
    private readonly IReadOnlyList<uint> preferredSuites;
    private readonly OrderedDictionary<string, uint> stateIds = [];
    private readonly Dictionary<string, uint> transactionIds = [];
    private readonly Dictionary<string, uint> signerIds = [];
    private readonly MessageCache messages;
    private readonly bool clientIdIdentities;
    private uint cipherSuite;

    /// <param name="file">The scenario file's name, for matching limitations.</param>
    /// <param name="script">The script to run.</param>
    /// <param name="config">Suite, handshake mode and actor assignment.</param>
    /// <param name="preferredSuites">Where a step changes the ciphersuite, the suites to move to first.</param>
    /// <param name="limitations">Known limitations of clients that turn their errors into skips.</param>
    /// <param name="clientIdIdentities">Whether actors' identities take the client-id form (<see cref="Identity"/>).</param>
    public ScriptRun(string file, Script script, RunConfiguration config, IReadOnlyList<uint> preferredSuites, PeerLimitations limitations, bool clientIdIdentities)
    {
        this.clientIdIdentities = clientIdIdentities;
        this.file = file;
        this.script = script;
        this.limitations = limitations;
        actorClients = config.Assignment.ToDictionary();
        encryptHandshake = config.EncryptHandshake;
        cipherSuite = config.CipherSuite;
        this.preferredSuites = preferredSuites;
        messages = new MessageCache(script.Steps.Count);
    }

    public async Task<RunOutcome> RunAsync()
    {
        var outcome = RunOutcome.Passed;
        foreach (var step in script.Steps)
        {
            try
            {
                await RunStepAsync(step);
            }
            catch (Exception e)
            {
                outcome = Outcome(step.Describe(), e);
                break;
            }
        }

        // Release every actor's last state, as the working group's runner does after each run.
        foreach (var (actor, stateId) in stateIds.ToList())
        {
            try
            {
                await Call(actor, "Free", (c, o) => c.FreeAsync(new FreeRequest { StateId = stateId }, o));
            }
            catch (Exception e) when (outcome.Kind == OutcomeKind.Passed)
            {
                outcome = Outcome($"{script.Steps.Count} (Free after the last step)", e);
            }
            catch (Exception)
            {
                // The run already failed or was skipped; that reason is the one to report.
            }
        }

        return outcome;
    }

    /// <summary>
    /// How the run ends after <paramref name="e"/>: skipped when the called client answered
    /// UNIMPLEMENTED or when the error is one the client itself raised and a known limitation of
    /// that client explains it (<see cref="PeerLimitations.Match"/>); failed otherwise.
    /// </summary>
    private RunOutcome Outcome(string step, Exception e)
    {
        var why = e switch
        {
            ClientCallException or InteropCheckException or ScriptFormatException => e.Message,
            _ => $"runner error {e.GetType().Name}: {e.Message}",
        };
        why = $"step {step}: {why.ReplaceLineEndings(" ")}";
        if (limitations.Match(file, script.Name, e) is { } known)
        {
            var client = ((ClientCallException)e).Client;
            return new RunOutcome(OutcomeKind.Skipped, $"peer limitation ({client.Name}, {client.Label}): {known.Reason} [{why}]", known);
        }

        return new RunOutcome(e is ClientCallException { Unimplemented: true } ? OutcomeKind.Skipped : OutcomeKind.Failed, why);
    }

    private Task RunStepAsync(ScriptStep step) => step.Action switch
    {
        "createGroup" => CreateGroupAsync(step),
        "createKeyPackage" => CreateKeyPackageAsync(step),
        "joinGroup" => JoinGroupAsync(step),
        "externalJoin" => ExternalJoinAsync(step),
        "installExternalPSK" => InstallExternalPskAsync(step),
        "groupInfo" => GroupInfoAsync(step),
        "addProposal" => AddProposalAsync(step),
        "updateProposal" => UpdateProposalAsync(step),
        "removeProposal" => RemoveProposalAsync(step),
        "externalPSKProposal" => ExternalPskProposalAsync(step),
        "resumptionPSKProposal" => ResumptionPskProposalAsync(step),
        "groupContextExtensionsProposal" => GroupContextExtensionsProposalAsync(step),
        "fullCommit" => FullCommitAsync(step),
        "commit" => CommitAsync(step),
        "handleCommit" => HandleCommitAsync(step),
        "handlePendingCommit" => HandlePendingCommitAsync(step),
        "protect" => ProtectAsync(step),
        "unprotect" => UnprotectAsync(step),
        "reinit" => ReInitAsync(step),
        "branch" => BranchAsync(step),
        "newMemberAddProposal" => NewMemberAddProposalAsync(step),
        "addExternalSigner" => AddExternalSignerAsync(step),
        "externalSignerProposal" => ExternalSignerProposalAsync(step),
        _ => throw new ScriptFormatException($"Unknown action: {step.Action}"),
    };

    private InteropClient ClientOf(string actor) =>
        actorClients.TryGetValue(actor, out var c)
            ? c
            : throw new ScriptFormatException($"actor [{actor}] has no client: it is not one of the script's actors");

    /// <summary>The actor's current state id; 0 when it has none, as in the working group's runner.</summary>
    private uint StateOf(string actor) => stateIds.TryGetValue(actor, out var id) ? id : 0;

    private Task<T> Call<T>(string actor, string rpc, Func<MlsClient.MLSClient.MLSClientClient, CallOptions, AsyncUnaryCall<T>> call) =>
        ClientOf(actor).CallAsync(rpc, actor, call);

    private static void ExpectEpochAuthenticator(ByteString actual, ByteString expected, string who)
    {
        if (!CryptographicOperations.FixedTimeEquals(actual.Span, expected.Span))
        {
            throw new InteropCheckException($"{who} failed to agree on epoch authenticator");
        }
    }

    /// <summary>
    /// Epoch agreement of <paramref name="actor"/> with <paramref name="reference"/> after a join or
    /// a commit. A client that cannot read its epoch authenticator answers with an empty one (the
    /// OpenMLS peer: core-crypto does not expose it); agreement is then checked on
    /// MLS-Exporter("exporter", "", 32) of both, core-crypto's one exporter, which like the epoch
    /// authenticator is derived from the epoch secret (RFC 9420 §8, §8.5). Both actors' state ids
    /// must already be their new ones.
    /// </summary>
    private async Task ExpectSameEpochAsync(string actor, ByteString actual, string reference, ByteString expected, string who)
    {
        if (!actual.IsEmpty && !expected.IsEmpty)
        {
            ExpectEpochAuthenticator(actual, expected, who);
            return;
        }

        var mine = await ExportAsync(actor);
        var theirs = await ExportAsync(reference);
        if (!CryptographicOperations.FixedTimeEquals(mine.Span, theirs.Span))
        {
            throw new InteropCheckException($"{who} failed to agree on the exported secret (no epoch authenticator to compare)");
        }
    }

    private async Task<ByteString> ExportAsync(string actor) =>
        (await Call(actor, "Export", (c, o) => c.ExportAsync(
            new ExportRequest { StateId = StateOf(actor), Label = "exporter", KeyLength = 32 }, o))).ExportedSecret;

    /// <summary>
    /// The credential identity of <paramref name="actor"/>: its name, as in the working group's
    /// runner, or with <c>--client-id-identities</c> "&lt;uuid&gt;:1@interop.invalid", the form of
    /// core-crypto's client ids (it rejects groups with members of any other), the UUID (version 8)
    /// made from the SHA-256 of the name so that an actor has the same identity on every client.
    /// </summary>
    private ByteString Identity(string actor)
    {
        if (!clientIdIdentities)
        {
            return Utf8(actor);
        }

        var h = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(actor)).AsSpan(0, 16).ToArray();
        h[6] = (byte)(0x80 | (h[6] & 0x0F));
        h[8] = (byte)(0x80 | (h[8] & 0x3F));
        return Utf8($"{new Guid(h, bigEndian: true):D}:1@interop.invalid");
    }

    private static ByteString Utf8(string s) => ByteString.CopyFromUtf8(s);

    private static ByteString Bytes(byte[] b) => ByteString.CopyFrom(b);

    /// <summary>The group id for a ReInit: the one createGroup (step 0) chose, with "++" appended on a change.</summary>
    private byte[] NewGroupId(bool change)
    {
        var id = messages.Get(0, "group_id");
        return change ? [.. id, .. "++"u8] : id;
    }

    /// <summary>
    /// Moves the run to another ciphersuite that every assigned client supports (the runner's
    /// ChangeCipherSuite). The working group's runner picks any such suite; this one takes the
    /// first of <see cref="preferredSuites"/>, else the lowest.
    /// </summary>
    private void ChangeCipherSuite()
    {
        var common = actorClients.Values.Distinct()
            .Select(c => c.Suites)
            .Aggregate((IEnumerable<uint>?)null, (acc, s) => acc is null ? s : acc.Intersect(s))!
            .Where(s => s != cipherSuite)
            .ToHashSet();
        if (common.Count == 0)
        {
            throw new InteropCheckException("no remaining supported ciphersuite");
        }

        cipherSuite = preferredSuites.Where(common.Contains).Select(s => (uint?)s).FirstOrDefault() ?? common.Min();
    }

    /// <summary>A ProposalDescription of the script as the MLSClient message (the runner's ProposalDescriptionToProto).</summary>
    private ProposalDescription Describe(StepParams d)
    {
        var type = d.String("proposalType");
        var proto = new ProposalDescription { ProposalType = Utf8(type) };
        switch (type)
        {
            case "add":
                proto.KeyPackage = Bytes(messages.Get(d.Int("keyPackage"), "key_package"));
                break;
            case "remove":
                proto.RemovedId = Identity(d.String("removed"));
                break;
            case "externalPSK":
                proto.PskId = Bytes(messages.Get(d.Int("pskID"), "psk_id"));
                break;
            case "resumptionPSK":
                proto.EpochId = (ulong)d.Int("epochID");
                break;
            case "groupContextExtensions":
                proto.Extensions.AddRange(d.Extensions("extensions"));
                break;
            case "reinit":
                proto.Extensions.AddRange(d.Extensions("extensions"));
                if (d.Bool("changeCipherSuite"))
                {
                    ChangeCipherSuite();
                }

                proto.CipherSuite = cipherSuite;
                proto.GroupId = Bytes(NewGroupId(d.Bool("changeGroupID")));
                break;
            default:
                throw new ScriptFormatException($"unknown proposal type [{type}]");
        }

        return proto;
    }

    private List<ByteString> ProposalsAt(List<int> steps) =>
        [.. steps.Select(i => Bytes(messages.Get(i, "proposal")))];
}
