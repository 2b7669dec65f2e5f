using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>Commits come back from <see cref="MlsGroup.Process"/> staged; the caller merges the one that wins.</summary>
public class StagedCommitTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    [Fact]
    public void Processing_a_commit_stages_it_and_only_merging_moves_the_group()
    {
        using var cell = new Cell(Suite, 3);
        var commit = cell[0].Commit(removeLeaves: [1]);
        var processed = cell[2].Process(commit.Commit);
        var staged = processed.StagedCommit!;
        Assert.Equal(ProcessedKind.Commit, processed.Kind);
        Assert.Equal(1ul, cell[2].Epoch);
        Assert.Equal((1ul, 2ul, 0u), (staged.FromEpoch, staged.Epoch, staged.Committer!.Value));
        Assert.False(staged.IsOwnCommit);
        Assert.False(staged.RemovesThisMember);
        Assert.Equal([0u, 2u], staged.Members.Select(m => m.LeafIndex));

        cell[2].Merge(staged);
        Assert.Equal(2ul, cell[2].Epoch);
        Assert.Throws<InvalidOperationException>(() => cell[2].Merge(staged));
        Assert.Throws<InvalidOperationException>(() => cell[0].Merge(staged));
    }

    [Fact]
    public void The_exporter_of_a_pending_commit_is_the_exporter_of_the_epoch_it_starts()
    {
        using var cell = new Cell(Suite, 3);
        Assert.Throws<InvalidOperationException>(() => cell[0].ExportPending("label", [], 32));
        var commit = cell[0].Commit();
        using var pending = cell[0].ExportPending("label", [1], 32);
        using var current = cell[0].Export("label", [1], 32);
        Assert.False(pending.ContentEquals(current));

        var staged = cell[1].Process(commit.Commit).StagedCommit!;
        cell[1].Merge(staged);
        using var merged = cell[1].Export("label", [1], 32);
        Assert.True(pending.ContentEquals(merged));
    }

    [Fact]
    public void A_dropped_staged_commit_leaves_the_epoch_open_for_another_commit_of_it()
    {
        using var cell = new Cell(Suite, 3);
        var first = cell[0].Commit();
        var second = cell[1].Commit();
        var dropped = cell[2].Process(first.Commit).StagedCommit!;
        var winner = cell[2].Process(second.Commit).StagedCommit!;
        cell[2].Merge(winner);
        cell[1].Merge(cell[1].Process(second.Commit).StagedCommit!);
        Assert.Equal(cell[1].EpochAuthenticator(), cell[2].EpochAuthenticator());

        // The other staged commit was of the epoch left: it can no longer be merged.
        Assert.Throws<InvalidOperationException>(() => cell[2].Merge(dropped));
        var losing = cell[0].Process(second.Commit).StagedCommit!;
        Assert.True(cell[0].HasPendingCommit);
        cell[0].Merge(losing);
        Assert.False(cell[0].HasPendingCommit);
        cell.AssertAgreement();
    }

    [Fact]
    public void The_own_commit_comes_back_staged_and_a_discarded_one_cannot_be_merged()
    {
        using var cell = new Cell(Suite, 2);
        var commit = cell[0].Commit();
        var own = cell[0].Process(commit.Commit).StagedCommit!;
        Assert.True(own.IsOwnCommit);
        Assert.Equal(1ul, cell[0].Epoch);
        cell[0].DiscardPendingCommit();
        Assert.Throws<InvalidOperationException>(() => cell[0].Merge(own));

        var again = cell[0].Commit();
        cell.Deliver(again.Commit, 0);
        Assert.Equal(2ul, cell[0].Epoch);
        cell.AssertAgreement();
    }

    [Fact]
    public void Merging_a_commit_that_removes_this_member_ends_its_membership()
    {
        using var cell = new Cell(Suite, 3);
        var staged = cell[2].Process(cell[0].Commit(removeLeaves: [2]).Commit).StagedCommit!;
        Assert.True(staged.RemovesThisMember);
        Assert.True(cell[2].IsActive);
        Assert.DoesNotContain(staged.Members, m => m.LeafIndex == 2);
        cell[2].Merge(staged);
        Assert.False(cell[2].IsActive);
        Assert.Throws<InvalidOperationException>(() => cell[2].Protect("x"u8));
    }

    [Fact]
    public void The_clock_checks_KeyPackage_lifetimes_when_committing_and_joining()
    {
        using var creator = new Member("creator", Suite);
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var late = KeyPackageBundle.Generate(Suite, Encoding.UTF8.GetBytes("late"), signer, 2_000, 3_000, SystemRandom.Instance);

        // Today, the KeyPackage valid in 1970 has expired.
        using var today = MlsGroup.Create("g"u8.ToArray(), creator.NewKeyPackage(), SystemRandom.Instance, TimeProvider.System);
        Assert.Equal(MlsCheck.LeafLifetime, Assert.Throws<MessageRejectedException>(() => today.Commit(new CommitRequest { Add = [late.KeyPackageBytes] })).Check);

        // At a time inside both lifetimes, the add and the join go through; at a later one the join is refused.
        using var creatorSigner = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var creatorBundle = KeyPackageBundle.Generate(Suite, Encoding.UTF8.GetBytes("c"), creatorSigner, 1_000, 4_000, SystemRandom.Instance);
        using var then = MlsGroup.Create("g"u8.ToArray(), creatorBundle, SystemRandom.Instance, new FixedTime(2_500));
        var add = then.Commit(new CommitRequest { Add = [late.KeyPackageBytes] });
        Assert.Equal(MlsCheck.LeafLifetime, Assert.Throws<MessageRejectedException>(() => MlsGroup.JoinFromWelcome(add.Welcome!, late, SystemRandom.Instance, new FixedTime(3_500))).Check);
        using var joined = MlsGroup.JoinFromWelcome(add.Welcome!, late, SystemRandom.Instance, new FixedTime(2_600));
        then.Merge(then.Process(add.Commit).StagedCommit!);
        Assert.Equal(then.EpochAuthenticator(), joined.EpochAuthenticator());
    }
}
