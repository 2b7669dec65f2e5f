using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// The public options a node (and the interop client) uses: proposals by value in a commit, the
/// ratchet tree out of band, the GroupContext extensions and the ReInit a commit applied.
/// </summary>
public class CommitOptionsApiTests
{
    private const CipherSuiteId Suite1 = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
    private const CipherSuiteId Suite3 = CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519;

    [Theory]
    [MemberData(nameof(GroupLifecycleTests.Suites), MemberType = typeof(GroupLifecycleTests))]
    public void A_commit_carries_psks_and_extensions_by_value_and_everyone_agrees(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        byte[] pskId = [1, 2, 3];
        for (var i = 0; i < 3; i++)
        {
            cell[i].StoreExternalPsk(pskId, new byte[32]);
        }

        var epochBefore = cell[0].Epoch;
        (ushort Type, byte[] Data)[] extensions = [(Extension.RequiredCapabilities, [0, 0, 0])];
        var commit = cell[1].Commit(externalPskIds: [pskId], resumptionPskEpochs: [epochBefore], groupContextExtensions: extensions);
        cell.Deliver(commit.Commit, 1);
        cell.AssertAgreement();
        Assert.Equal(epochBefore + 1, cell[2].Epoch);
        var seen = Assert.Single(cell[2].ContextExtensions);
        Assert.Equal(Extension.RequiredCapabilities, seen.Type);
        Assert.Equal(new byte[] { 0, 0, 0 }, seen.Data);

        // An empty list by value replaces the extensions with none (§12.1.7).
        cell.Deliver(cell[0].Commit(groupContextExtensions: []).Commit, 0);
        cell.AssertAgreement();
        Assert.Empty(cell[1].ContextExtensions);
    }

    [Fact]
    public void A_commit_by_value_naming_an_unknown_external_psk_is_refused_and_leaves_no_pending_commit()
    {
        using var cell = new Cell(Suite1, 2);
        var rejected = Assert.Throws<MessageRejectedException>(() => cell[0].Commit(externalPskIds: [[9, 9]]));
        Assert.Equal(MlsCheck.MissingPsk, rejected.Check);
        Assert.False(cell[0].HasPendingCommit);
    }

    [Theory]
    [MemberData(nameof(GroupLifecycleTests.Suites), MemberType = typeof(GroupLifecycleTests))]
    public void The_tree_can_travel_out_of_band_for_welcomes_and_external_joins(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 2);
        using var joiner = new Member("joiner", suite);
        var bundle = joiner.NewKeyPackage();
        Assert.Null(cell[0].Commit().RatchetTree);
        cell[0].DiscardPendingCommit();
        var result = cell[0].Commit(addKeyPackages: [bundle.KeyPackageBytes], includeRatchetTree: false);
        Assert.Null(MLSMessage.FromBytes(result.GroupInfo).GroupInfo!.Extensions.FirstOrDefault(e => e.ExtensionType == Extension.RatchetTree));
        Assert.NotNull(result.RatchetTree);
        cell.Deliver(result.Commit, 0);
        Assert.Equal(result.RatchetTree, cell[0].RatchetTree());

        var missing = Assert.Throws<MessageRejectedException>(() => Groups.JoinFromWelcome(result.Welcome!, bundle, SystemRandom.Instance));
        Assert.Equal(MlsCheck.MissingRatchetTree, missing.Check);
        joiner.Group = Groups.JoinFromWelcome(result.Welcome!, bundle, SystemRandom.Instance, ratchetTree: result.RatchetTree);
        Assert.Equal(cell[0].EpochAuthenticator(), joiner.Group.EpochAuthenticator());

        var groupInfo = cell[1].GroupInfo(includeRatchetTree: false);
        Assert.Null(MLSMessage.FromBytes(groupInfo).GroupInfo!.Extensions.FirstOrDefault(e => e.ExtensionType == Extension.RatchetTree));
        using var outsider = new Member("outsider", suite);
        var external = Groups.JoinExternally(groupInfo, outsider.NewKeyPackage(), SystemRandom.Instance, ratchetTree: cell[1].RatchetTree());
        outsider.Group = external.Group;
        cell[0].ProcessAndMerge(external.Commit);
        Assert.Equal(cell[0].EpochAuthenticator(), outsider.Group.EpochAuthenticator());
        Assert.Equal(cell[0].RatchetTree(), outsider.Group.RatchetTree());
    }

    [Fact]
    public void A_committed_reinit_names_its_group_and_suite()
    {
        using var cell = new Cell(Suite1, 2);
        Assert.Null(cell[0].PendingReInit);
        var proposal = cell[1].ProposeReInit("next"u8.ToArray(), Suite3);
        cell[0].ProcessAndMerge(proposal);
        cell.Deliver(cell[0].Commit().Commit, 0);

        foreach (var i in new[] { 0, 1 })
        {
            var (groupId, cipherSuite) = cell[i].PendingReInit!.Value;
            Assert.Equal("next"u8.ToArray(), groupId);
            Assert.Equal(Suite3, cipherSuite);
        }
    }

    [Theory]
    [MemberData(nameof(GroupLifecycleTests.Suites), MemberType = typeof(GroupLifecycleTests))]
    public void An_outsider_proposes_its_own_add_and_joins_from_the_welcome(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 2);
        using var outsider = new Member("outsider", suite);
        var bundle = outsider.NewKeyPackage();
        var proposal = MlsGroup.ProposeAddAsNewMember(cell[1].GroupInfo(), bundle);
        foreach (var i in new[] { 0, 1 })
        {
            var processed = cell[i].ProcessAndMerge(proposal);
            Assert.Equal(ProcessedKind.Proposal, processed.Kind);
            Assert.Null(processed.SenderLeaf);
        }

        var commit = cell[0].Commit();
        cell.Deliver(commit.Commit, 0);
        outsider.Group = Groups.JoinFromWelcome(commit.Welcome!, bundle, SystemRandom.Instance);
        Assert.Equal(cell[1].EpochAuthenticator(), outsider.Group.EpochAuthenticator());
        Assert.Equal(3, cell[1].Members.Count);
    }

    [Fact]
    public void An_outsiders_add_proposal_for_a_past_epoch_is_rejected()
    {
        using var cell = new Cell(Suite1, 2);
        using var outsider = new Member("outsider", Suite1);
        var proposal = MlsGroup.ProposeAddAsNewMember(cell[0].GroupInfo(), outsider.NewKeyPackage());
        cell.Deliver(cell[0].Commit().Commit, 0);
        var rejected = Assert.Throws<MessageRejectedException>(() => cell[1].ProcessAndMerge(proposal));
        Assert.Equal(MlsCheck.Epoch, rejected.Check);
    }

    [Theory]
    [MemberData(nameof(GroupLifecycleTests.Suites), MemberType = typeof(GroupLifecycleTests))]
    public void An_external_join_can_inject_external_psks_every_member_holds(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 2);
        byte[] pskId = [7, 7];
        byte[] psk = [.. Enumerable.Repeat((byte)5, 32)];
        cell[0].StoreExternalPsk(pskId, psk);
        cell[1].StoreExternalPsk(pskId, psk);
        using var outsider = new Member("outsider", suite);
        var joined = Groups.JoinExternally(cell[0].GroupInfo(), outsider.NewKeyPackage(), SystemRandom.Instance, externalPsks: [KeyValuePair.Create(pskId, psk)]);
        outsider.Group = joined.Group;
        cell.Deliver(joined.Commit, 0);
        Assert.Equal(cell[1].EpochAuthenticator(), outsider.Group.EpochAuthenticator());

        // The joiner keeps the PSK: it can name it in a later commit.
        var commit = outsider.Group.Commit(externalPskIds: [pskId]);
        cell.Deliver(commit.Commit, -1);
        outsider.Group.ProcessAndMerge(commit.Commit);
        Assert.Equal(cell[0].EpochAuthenticator(), outsider.Group.EpochAuthenticator());
    }

    [Fact]
    public void Rejects_MissingPsk_an_external_join_with_a_psk_a_member_lacks()
    {
        using var cell = new Cell(Suite1, 2);
        byte[] pskId = [7, 7];
        cell[0].StoreExternalPsk(pskId, new byte[32]);
        using var outsider = new Member("outsider", Suite1);
        var joined = Groups.JoinExternally(cell[0].GroupInfo(), outsider.NewKeyPackage(), SystemRandom.Instance, externalPsks: [KeyValuePair.Create(pskId, new byte[32])]);
        using var group = joined.Group;
        Assert.Equal(ProcessedKind.Commit, cell[0].ProcessAndMerge(joined.Commit).Kind);
        var rejected = Assert.Throws<MessageRejectedException>(() => cell[1].ProcessAndMerge(joined.Commit));
        Assert.Equal(MlsCheck.MissingPsk, rejected.Check);
    }
}
