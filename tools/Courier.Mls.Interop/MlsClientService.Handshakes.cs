using System.Runtime.CompilerServices;
using Courier.Mls.Group;
using Google.Protobuf;
using Grpc.Core;
using MlsClient;
using CommitRequest = MlsClient.CommitRequest;

namespace Courier.Mls.Interop;

/// <summary>Proposals, commits and their handling (RFC 9420 §12).</summary>
internal sealed partial class MlsClientService
{
    /// <summary>Extension type external_senders (RFC 9420 §17.3).</summary>
    private const ushort ExternalSendersType = 5;

    public override Task<ProposalResponse> AddProposal(AddProposalRequest request, ServerCallContext context)
        => Propose(request.StateId, group => group.ProposeAdd(request.KeyPackage.ToByteArray()));

    public override Task<ProposalResponse> UpdateProposal(UpdateProposalRequest request, ServerCallContext context)
        => Propose(request.StateId, group => group.ProposeUpdate());

    public override Task<ProposalResponse> RemoveProposal(RemoveProposalRequest request, ServerCallContext context)
        => Propose(request.StateId, group => group.ProposeRemove(LeafOf(group.Members, request.RemovedId.Span)));

    public override Task<ProposalResponse> ExternalPSKProposal(ExternalPSKProposalRequest request, ServerCallContext context)
        => Propose(request.StateId, group => group.ProposeExternalPsk(request.PskId.ToByteArray()));

    public override Task<ProposalResponse> ResumptionPSKProposal(ResumptionPSKProposalRequest request, ServerCallContext context)
        => Propose(request.StateId, group => group.ProposeResumptionPsk(request.EpochId));

    public override Task<ProposalResponse> GroupContextExtensionsProposal(GroupContextExtensionsProposalRequest request, ServerCallContext context)
        => Propose(request.StateId, group => group.ProposeGroupContextExtensions(Extensions(request.Extensions)));

    public override Task<ProposalResponse> ReInitProposal(ReInitProposalRequest request, ServerCallContext context)
        => Propose(request.StateId, group => group.ProposeReInit(request.GroupId.ToByteArray(), SuiteOf(request.CipherSuite), Extensions(request.Extensions)));

    /// <summary>
    /// A GroupContextExtensions proposal (§12.1.7) whose external_senders extension (§12.1.8.1)
    /// lists one more sender; the other extensions stay as they are.
    /// </summary>
    public override Task<ProposalResponse> AddExternalSigner(AddExternalSignerRequest request, ServerCallContext context)
        => Propose(request.StateId, group =>
        {
            var extensions = group.ContextExtensions.ToList();
            var index = extensions.FindIndex(e => e.Type == ExternalSendersType);
            var data = Wire.AppendExternalSender(index < 0 ? [] : extensions[index].Data, request.ExternalSender.Span);
            if (index < 0)
            {
                extensions.Add((ExternalSendersType, data));
            }
            else
            {
                extensions[index] = (ExternalSendersType, data);
            }

            return group.ProposeGroupContextExtensions(extensions);
        });

    public override Task<CommitResponse> Commit(CommitRequest request, ServerCallContext context) => Call(() => CreateCommit(request));

    /// <summary>The ReInit proposal comes by reference; whether the commit applied it shows at HandlePendingReInitCommit.</summary>
    public override Task<CommitResponse> ReInitCommit(CommitRequest request, ServerCallContext context) => Call(() => CreateCommit(request));

    public override Task<HandleCommitResponse> HandleCommit(HandleCommitRequest request, ServerCallContext context) => Call(() =>
    {
        var entry = StateOf(request.StateId);
        ProcessCommit(entry, request);
        return new HandleCommitResponse { StateId = request.StateId, EpochAuthenticator = Bytes(entry.Group.EpochAuthenticator()) };
    });

    public override Task<HandleCommitResponse> HandlePendingCommit(HandlePendingCommitRequest request, ServerCallContext context) => Call(() =>
    {
        var entry = StateOf(request.StateId);
        MergePending(entry);
        return new HandleCommitResponse { StateId = request.StateId, EpochAuthenticator = Bytes(entry.Group.EpochAuthenticator()) };
    });

    public override Task<HandleReInitCommitResponse> HandleReInitCommit(HandleCommitRequest request, ServerCallContext context) => Call(() =>
    {
        var entry = StateOf(request.StateId);
        ProcessCommit(entry, request);
        return ReInitStarted(entry);
    });

    public override Task<HandleReInitCommitResponse> HandlePendingReInitCommit(HandlePendingCommitRequest request, ServerCallContext context) => Call(() =>
    {
        var entry = StateOf(request.StateId);
        MergePending(entry);
        return ReInitStarted(entry);
    });

    /// <summary>Sends one of this member's proposals and remembers it as taken in.</summary>
    private Task<ProposalResponse> Propose(uint stateId, Func<MlsGroup, byte[]> propose, [CallerMemberName] string rpc = "") => Call(() =>
    {
        var entry = StateOf(stateId);
        var proposal = propose(entry.Group);
        entry.MarkHandled(proposal);
        return new ProposalResponse { Proposal = Bytes(proposal) };
    }, rpc);

    /// <summary>
    /// Takes in the proposals named by reference (processing those this member has not seen), then
    /// commits them all together with the by-value ones. Courier's commits always carry a path, so
    /// force_path holds whatever its value.
    /// </summary>
    private CommitResponse CreateCommit(CommitRequest request)
    {
        var entry = StateOf(request.StateId);
        var group = entry.Group;

        // A new Commit replaces one that was never handled (the runner's Commit is a draft until HandlePendingCommit).
        group.DiscardPendingCommit();
        foreach (var proposal in request.ByReference)
        {
            TakeProposal(entry, proposal);
        }

        var adds = new List<byte[]>();
        var removes = new List<uint>();
        var externalPsks = new List<byte[]>();
        var resumptionPsks = new List<ulong>();
        List<(ushort, byte[])>? extensions = null;
        foreach (var description in request.ByValue)
        {
            switch (description.ProposalType.ToStringUtf8())
            {
                case "add":
                    adds.Add(description.KeyPackage.ToByteArray());
                    break;
                case "remove":
                    removes.Add(LeafOf(group.Members, description.RemovedId.Span));
                    break;
                case "externalPSK":
                    externalPsks.Add(description.PskId.ToByteArray());
                    break;
                case "resumptionPSK":
                    resumptionPsks.Add(description.EpochId);
                    break;
                case "groupContextExtensions":
                    extensions = extensions is null
                        ? Extensions(description.Extensions)
                        : throw Invalid("two groupContextExtensions proposals by value (RFC 9420 §12.2 allows one per commit)");
                    break;
                case "reinit":
                    throw Unimplemented("a ReInit by value: MlsGroup.Commit takes ReInit proposals only by reference");
                case var other:
                    throw Invalid($"unknown proposal type \"{other}\"");
            }
        }

        var result = group.Commit(new Courier.Mls.Group.CommitRequest
        {
            Add = adds,
            Remove = removes,
            ExternalPskIds = externalPsks,
            ResumptionPskEpochs = resumptionPsks,
            GroupContextExtensions = extensions,
            IncludeRatchetTree = !request.ExternalTree,
        });
        entry.PendingCommit = result.Commit;
        return new CommitResponse
        {
            Commit = Bytes(result.Commit),
            Welcome = result.Welcome is null ? ByteString.Empty : Bytes(result.Welcome),
            RatchetTree = request.ExternalTree ? Bytes(result.RatchetTree!) : ByteString.Empty,
        };
    }

    /// <summary>Processes the proposals by reference, then the commit (this member's own pending one merges).</summary>
    private static void ProcessCommit(GroupEntry entry, HandleCommitRequest request)
    {
        foreach (var proposal in request.Proposal)
        {
            TakeProposal(entry, proposal);
        }

        var processed = entry.Group.Process(request.Commit.Span);
        if (processed.Kind != ProcessedKind.Commit)
        {
            throw Invalid($"the message is a {processed.Kind}, not a commit");
        }

        // The runner's order is the delivery service's: the commit it hands over is the one merged.
        if (processed.StagedCommit is { } staged)
        {
            entry.Group.Merge(staged);
        }
    }

    /// <summary>The runner's delivery service accepted this member's last commit: it comes back staged and is merged.</summary>
    private static void MergePending(GroupEntry entry)
    {
        var commit = entry.PendingCommit ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "no commit is pending"));
        var staged = entry.Group.Process(commit).StagedCommit ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "no commit is pending"));
        entry.Group.Merge(staged);
        entry.PendingCommit = null;
    }

    /// <summary>Processes a proposal message into the group's cache, unless it is already there.</summary>
    private static void TakeProposal(GroupEntry entry, ByteString message)
    {
        if (entry.IsHandled(message.Span))
        {
            return;
        }

        var processed = entry.Group.Process(message.Span);
        if (processed.Kind != ProcessedKind.Proposal)
        {
            throw Invalid($"a message given as a proposal is a {processed.Kind}");
        }

        entry.MarkHandled(message.Span);
    }

    /// <summary>After a ReInit commit (§11.2): a KeyPackage in the new ciphersuite, kept under a reinit_id.</summary>
    private HandleReInitCommitResponse ReInitStarted(GroupEntry entry)
    {
        var (_, suite) = entry.Group.PendingReInit
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "the commit did not apply a ReInit proposal"));
        var bundle = NewBundle((uint)suite, entry.Identity);
        var id = store.Add(new ReInitEntry(entry, bundle));
        return new HandleReInitCommitResponse
        {
            ReinitId = id,
            KeyPackage = Bytes(bundle.KeyPackageBytes),
            EpochAuthenticator = Bytes(entry.Group.EpochAuthenticator()),
        };
    }

    private static List<(ushort Type, byte[] Data)> Extensions(IEnumerable<MlsClient.Extension> extensions)
        => extensions.Select(e => (checked((ushort)e.ExtensionType), e.ExtensionData.ToByteArray())).ToList();
}
