using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.TreeKem;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// RFC 9420 §12.1, §12.2, §12.4 and §12.4.3: proposals, proposal lists, commits and Welcomes a
/// receiver must refuse. Member 1 of a four-member cell forges; member 2 rejects with the named id
/// and keeps its state byte-for-byte.
/// </summary>
public class ProposalListRejectionTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    private static readonly byte[] Tag = new byte[32];

    [Fact]
    public void Rejects_SenderType_an_external_sender_committing()
    {
        using var cell = new Cell(Suite, 4);
        var content = FramedContent.ForCommit(cell[1].GroupId, cell[1].Epoch, Sender.External(0), [], new Commit([], null));
        var epoch = cell[1].CurrentEpoch;
        var signed = Courier.Mls.Framing.ContentAuthentication.Sign(epoch.Suite, WireFormat.MlsPublicMessage, content, epoch.Context, cell[1].Signer, Tag);
        var message = new MLSMessage(new PublicMessage(content, signed.Auth, null)).ToBytes();
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], message, MlsCheck.SenderType);
    }

    [Fact]
    public void Rejects_WireFormat_a_KeyPackage_fed_as_a_group_message()
    {
        using var cell = new Cell(Suite, 4);
        using var outsider = new Member("outsider", Suite);
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], outsider.NewKeyPackage().KeyPackageBytes, MlsCheck.WireFormat);
    }

    [Fact]
    public void Rejects_ProposalSender_a_member_proposing_ExternalInit()
        => AssertProposalRejected(new ExternalInit(new byte[32]), MlsCheck.ProposalSender);

    [Fact]
    public void Rejects_PskNonceLength_and_PskUsage_in_PreSharedKey_proposals()
    {
        AssertProposalRejected(new PreSharedKey(PreSharedKeyID.External([1], new byte[16])), MlsCheck.PskNonceLength);
        AssertProposalRejected(new PreSharedKey(PreSharedKeyID.Resumption(ResumptionPSKUsage.Branch, "cell"u8.ToArray(), 1, new byte[32])), MlsCheck.PskUsage);
    }

    [Fact]
    public void Rejects_ReInitVersion_older_than_mls10()
        => AssertProposalRejected(new ReInit("next"u8.ToArray(), 0, (ushort)Suite, []), MlsCheck.ReInitVersion);

    [Fact]
    public void Rejects_CommitterUpdate_by_value()
    {
        using var cell = new Cell(Suite, 4);
        var leaf = cell[1].CurrentEpoch.Tree.GetLeaf(cell[1].OwnLeafIndex)!;
        AssertCommitRejected(cell, [new Proposal(new Update(leaf))], MlsCheck.CommitterUpdate);
    }

    [Fact]
    public void Rejects_DuplicatePsk()
    {
        using var cell = new Cell(Suite, 4);
        var psk = new Proposal(new PreSharedKey(PreSharedKeyID.External([7], new byte[32])));
        AssertCommitRejected(cell, [psk, psk], MlsCheck.DuplicatePsk);
    }

    [Fact]
    public void Rejects_MultipleGroupContextExtensions()
    {
        using var cell = new Cell(Suite, 4);
        var gce = new Proposal(new GroupContextExtensions([]));
        AssertCommitRejected(cell, [gce, gce], MlsCheck.MultipleGroupContextExtensions);
    }

    [Fact]
    public void Rejects_ReInitNotAlone()
    {
        using var cell = new Cell(Suite, 4);
        var reInit = new Proposal(new ReInit("next"u8.ToArray(), GroupContext.Mls10, (ushort)Suite, []));
        AssertCommitRejected(cell, [reInit, new Proposal(new Remove(cell[3].OwnLeafIndex))], MlsCheck.ReInitNotAlone);
    }

    [Fact]
    public void Rejects_PathRequired_a_Remove_without_a_path()
    {
        using var cell = new Cell(Suite, 4);
        AssertCommitRejected(cell, [new Proposal(new Remove(cell[3].OwnLeafIndex))], MlsCheck.PathRequired);
        AssertCommitRejected(cell, [], MlsCheck.PathRequired);
    }

    [Fact]
    public void Rejects_MissingRatchetTree_a_Welcome_without_a_tree()
    {
        using var cell = new Cell(Suite, 2);
        using var joiner = new Member("joiner", Suite);
        var bundle = joiner.NewKeyPackage();
        var epoch = cell[0].CurrentEpoch;
        var created = CommitCreation.Create(
            epoch,
            cell[0].Signer,
            [new Proposal(new Add(bundle.KeyPackage))],
            LeafNodeTemplate.From(epoch.Tree.GetLeaf(epoch.OwnLeaf)!),
            CommitSettings.Default with { RatchetTreeInGroupInfo = false },
            PskResolver.None,
            SystemRandom.Instance,
            null);
        var tree = created.Staged.Tree.ToBytes();
        created.Staged.Dispose();
        var welcome = created.Welcome!.ToBytes();

        var e = Assert.Throws<MessageRejectedException>(() => Groups.JoinFromWelcome(welcome, bundle, SystemRandom.Instance));
        Assert.Equal(MlsCheck.MissingRatchetTree, e.Check);
        using var joined = Groups.JoinFromWelcome(welcome, bundle, SystemRandom.Instance, ratchetTree: tree);
        Assert.Equal(2u, joined.Epoch);
    }

    [Fact]
    public void Rejects_OwnLeafNotFound_a_Welcome_whose_tree_lacks_the_joiner()
    {
        using var cell = new Cell(Suite, 2);
        using var invited = new Member("invited", Suite);
        using var stranger = new Member("stranger", Suite);
        var invitedBundle = invited.NewKeyPackage();
        var strangerBundle = stranger.NewKeyPackage();
        var welcome = MLSMessage.FromBytes(cell[0].Commit(addKeyPackages: [invitedBundle.KeyPackageBytes]).Welcome!).Welcome!;

        // A committer readdresses the same GroupInfo to a KeyPackage that is not in the tree.
        using var processed = WelcomeProcessing.Process(welcome, invitedBundle, _ => null);
        var readdressed = WelcomeBuilder.Build(processed.Suite, processed.GroupInfo, processed.GroupSecrets.JoinerSecret, [], [new WelcomeRecipient(strangerBundle.KeyPackage, null)], SystemRandom.Instance);
        var e = Assert.Throws<MessageRejectedException>(() => Groups.JoinFromWelcome(new MLSMessage(readdressed).ToBytes(), strangerBundle, SystemRandom.Instance));
        Assert.Equal(MlsCheck.OwnLeafNotFound, e.Check);
    }

    private static void AssertProposalRejected(IProposalBody body, MlsCheck check)
    {
        using var cell = new Cell(Suite, 4);
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Proposal(cell[1], body)), check);
    }

    private static void AssertCommitRejected(Cell cell, IEnumerable<Proposal> proposals, MlsCheck check)
    {
        var commit = new Commit(proposals.Select(p => new ProposalOrRef(p)).ToList(), null);
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], commit), Tag), check);
    }
}
