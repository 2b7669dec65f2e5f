using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

public class GroupLifecycleTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_cell_of_five_agrees_and_talks(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 5);
        cell.AssertAgreement();
        Assert.Equal(1ul, cell[0].Epoch);
        Assert.Equal(5, cell[3].Members.Count);

        var message = cell[2].Protect("greetings from Galya"u8);
        foreach (var i in new[] { 0, 1, 3, 4 })
        {
            var received = cell[i].ProcessAndMerge(message);
            Assert.Equal(ProcessedKind.Application, received.Kind);
            Assert.Equal("greetings from Galya"u8.ToArray(), received.ApplicationData);
            Assert.Equal(cell[2].OwnLeafIndex, received.SenderLeaf);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_removed_member_cannot_read_later_messages(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 4);
        var removedLeaf = cell[3].OwnLeafIndex;
        var commit = cell[0].Commit(removeLeaves: [removedLeaf]);
        cell.Deliver(commit.Commit, 0);
        Assert.False(cell[3].IsActive);
        Assert.Equal(3, cell[1].Members.Count);
        cell.AssertAgreement();

        var secret = cell[1].Protect("not for Alyosha"u8);
        Assert.Equal("not for Alyosha"u8.ToArray(), cell[2].ProcessAndMerge(secret).ApplicationData);
        Assert.Throws<InvalidOperationException>(() => cell[3].ProcessAndMerge(secret));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Every_member_can_commit_and_the_exporter_agrees(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        for (var committer = 0; committer < 3; committer++)
        {
            cell.Deliver(cell[committer].Commit().Commit, committer);
            cell.AssertAgreement();
        }

        using var a = cell[0].Export("dead drop", "epoch"u8, 32);
        using var b = cell[2].Export("dead drop", "epoch"u8, 32);
        Assert.True(a.ContentEquals(b));
        Assert.Equal(4ul, cell[1].Epoch);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_first_commit_in_log_order_wins_and_nobody_forks(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        var first = cell[1].Commit();
        var second = cell[2].Commit();

        // The delivery service orders `first` before `second`: everyone applies `first`.
        cell.Deliver(first.Commit, 1);
        Assert.False(cell[2].HasPendingCommit);
        cell.AssertAgreement();

        // `second` belongs to the old epoch now; every member rejects it.
        foreach (var i in new[] { 0, 1, 2 })
        {
            var e = Assert.Throws<MessageRejectedException>(() => cell[i].ProcessAndMerge(second.Commit));
            Assert.Equal(MlsCheck.Epoch, e.Check);
        }

        cell.AssertAgreement();
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Proposals_by_reference_are_committed_by_another_member(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 4);
        using var joiner = new Member("joiner", suite);
        var joinerBundle = joiner.NewKeyPackage();
        var oldLeafKey = cell[2].CurrentEpoch.Tree.GetLeaf(cell[2].OwnLeafIndex)!.EncryptionKey;

        var proposals = new[]
        {
            cell[1].ProposeAdd(joinerBundle.KeyPackageBytes),
            cell[2].ProposeUpdate(),
            cell[3].ProposeRemove(cell[0].OwnLeafIndex),
        };
        foreach (var proposal in proposals)
        {
            // Everyone, the proposer included, sees each proposal in the drop's order.
            foreach (var member in cell.Members)
            {
                Assert.Equal(ProcessedKind.Proposal, member.Group!.ProcessAndMerge(proposal).Kind);
            }
        }

        // A member that has seen proposals must commit before it sends application data (§12.4).
        Assert.Throws<InvalidOperationException>(() => cell[1].Protect("too early"u8));

        var commit = cell[1].Commit();
        cell.Deliver(commit.Commit, 1);
        joiner.Group = Groups.JoinFromWelcome(commit.Welcome!, joinerBundle, SystemRandom.Instance);
        cell.Members.Add(joiner);

        Assert.False(cell[0].IsActive);
        cell.AssertAgreement();
        Assert.NotEqual(oldLeafKey, cell[2].CurrentEpoch.Tree.GetLeaf(cell[2].OwnLeafIndex)!.EncryptionKey);
        var hello = cell[2].Protect("after the update"u8);
        Assert.Equal("after the update"u8.ToArray(), joiner.Group.ProcessAndMerge(hello).ApplicationData);
        Assert.Equal("after the update"u8.ToArray(), cell[3].ProcessAndMerge(hello).ApplicationData);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void An_outsider_joins_by_external_commit_and_can_replace_its_old_self(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        using var outsider = new Member("outsider", suite);
        var joined = Groups.JoinExternally(cell[1].GroupInfo(), outsider.NewKeyPackage(), SystemRandom.Instance);
        outsider.Group = joined.Group;
        cell.Deliver(joined.Commit, 0);
        cell.Members.Add(outsider);
        Assert.Equal(ProcessedKind.Commit, outsider.Group.ProcessAndMerge(joined.Commit).Kind);
        cell.AssertAgreement();
        Assert.Equal(4, cell[0].Members.Count);

        // The outsider loses its state and rejoins, removing its earlier leaf in the same commit.
        var oldLeaf = outsider.Group.OwnLeafIndex;
        outsider.Group.Dispose();
        outsider.Group = null;
        var rejoined = Groups.JoinExternally(cell[0].GroupInfo(), outsider.NewKeyPackage(), SystemRandom.Instance, removePriorLeaf: oldLeaf);
        cell.Deliver(rejoined.Commit, 0);
        outsider.Group = rejoined.Group;
        cell.AssertAgreement();
        Assert.Equal(4, cell[2].Members.Count);
        Assert.Equal("welcome back"u8.ToArray(), outsider.Group.ProcessAndMerge(cell[2].Protect("welcome back"u8)).ApplicationData);
    }

    [Fact]
    public void Rejects_ExternalCommitProposals_an_external_commit_without_ExternalInit()
    {
        using var cell = new Cell(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 3);
        using var outsider = new Member("outsider", cell.Suite);
        var joined = Groups.JoinExternally(cell[1].GroupInfo(), outsider.NewKeyPackage(), SystemRandom.Instance);
        joined.Group.Dispose();
        var message = Courier.Mls.Messages.MLSMessage.FromBytes(joined.Commit).PublicMessage!;
        var content = message.Content;
        var commit = content.Commit! with { Proposals = [] };
        var stripped = Courier.Mls.Messages.FramedContent.ForCommit(content.GroupId, content.Epoch, content.Sender, [], commit);
        using var signer = outsider.Signer;
        var epoch = cell[1].CurrentEpoch;
        var signed = Courier.Mls.Framing.ContentAuthentication.Sign(epoch.Suite, Courier.Mls.Messages.WireFormat.MlsPublicMessage, stripped, epoch.Context, outsider.Signer, message.Auth.ConfirmationTag);
        var forged = new Courier.Mls.Messages.MLSMessage(new Courier.Mls.Messages.PublicMessage(stripped, signed.Auth, null)).ToBytes();
        GroupRejectionTests.AssertRejectedUnchanged(cell[2], forged, MlsCheck.ExternalCommitProposals);
    }

    [Fact]
    public void A_branch_starts_a_subgroup_bound_to_the_old_epoch()
    {
        using var cell = new Cell(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var joiners = new[] { cell.Members[1], cell.Members[3] };
        var bundles = joiners.Select(m => m.NewKeyPackage()).ToList();
        var branch = cell[0].Branch("subcell"u8.ToArray(), cell.Members[0].NewKeyPackage(), bundles.Select(b => b.KeyPackageBytes));
        using var subcell = branch.Group;
        using var first = Groups.JoinFromWelcome(branch.Welcome!, bundles[0], SystemRandom.Instance, resumedFrom: cell[1]);
        using var second = Groups.JoinFromWelcome(branch.Welcome!, bundles[1], SystemRandom.Instance, resumedFrom: cell[3]);
        Assert.Equal(subcell.EpochAuthenticator(), first.EpochAuthenticator());
        Assert.Equal(subcell.EpochAuthenticator(), second.EpochAuthenticator());
        Assert.Equal(3, second.Members.Count);

        // Without the old group's resumption PSK, the Welcome cannot be processed.
        var outsiderBundle = cell.Members[2].NewKeyPackage();
        var other = cell[0].Branch("other"u8.ToArray(), cell.Members[0].NewKeyPackage(), [outsiderBundle.KeyPackageBytes]);
        other.Group.Dispose();
        Assert.Equal(MlsCheck.MissingPsk, Assert.Throws<MessageRejectedException>(() => Groups.JoinFromWelcome(other.Welcome!, outsiderBundle, SystemRandom.Instance)).Check);
    }

    /// <summary>Also between suites of different KDF.Nh (32 and 64): the resumption PSK's nonce is the new suite's size.</summary>
    [Theory]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519)]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519)]
    [InlineData(CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519, CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)]
    public void A_reinit_moves_the_members_to_a_new_group_in_another_suite(CipherSuiteId first, CipherSuiteId next)
    {
        using var cell = new Cell(first, 3);
        var proposal = cell[1].ProposeReInit("cell v2"u8.ToArray(), next);
        foreach (var member in cell.Members)
        {
            member.Group!.ProcessAndMerge(proposal);
        }

        cell.Deliver(cell[0].Commit().Commit, 0);
        Assert.Throws<InvalidOperationException>(() => cell[2].Protect("old group"u8));

        var others = cell.Members.Skip(1).Select(m => (Member: m, Bundle: NewBundle(m, next))).ToList();
        var reinit = cell[0].ReInitialize(NewBundle(cell.Members[0], next), others.Select(o => o.Bundle.KeyPackageBytes));
        using var successor = reinit.Group;
        Assert.Equal(next, successor.CipherSuite);
        foreach (var (member, bundle) in others)
        {
            using var joined = Groups.JoinFromWelcome(reinit.Welcome!, bundle, SystemRandom.Instance, resumedFrom: member.Group);
            Assert.Equal(successor.EpochAuthenticator(), joined.EpochAuthenticator());
            Assert.Equal("cell v2"u8.ToArray(), joined.GroupId);
        }

        static KeyPackageBundle NewBundle(Member member, CipherSuiteId suite)
            => KeyPackageBundle.Generate(suite, System.Text.Encoding.UTF8.GetBytes(member.CodeName), member.Signer, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
    }
}
