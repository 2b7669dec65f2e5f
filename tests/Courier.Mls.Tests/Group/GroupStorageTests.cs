using System.Text;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>The group stored as epoch state plus records (<see cref="MlsGroup.TakeChanges"/>, <see cref="MlsGroup.Restore"/>).</summary>
public class GroupStorageTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    /// <summary>In every suite: 0x0054's 64-byte resumption PSKs take a 2-byte length in the stored state.</summary>
    [Theory]
    [MemberData(nameof(Suites))]
    public void A_group_restored_from_its_applied_changes_continues_identically_with_kept_out_of_order_keys(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 4);
        using var store = new StoredGroup();
        store.Apply(cell[2].TakeChanges());

        var first = cell[1].Protect("one"u8);
        var second = cell[1].Protect("two"u8);
        Assert.Equal("two"u8.ToArray(), cell[2].Process(second).ApplicationData);
        store.Apply(cell[2].TakeChanges());
        var own = cell[2].Protect("mine"u8);
        store.Apply(cell[2].TakeChanges());

        using var restored = store.Restore();
        using (var expected = cell[2].Save())
        using (var actual = restored.Save())
        {
            Assert.True(expected.ContentEquals(actual));
        }

        // The kept key of generation 0 is there, once; the own message is recognized; sending goes on.
        Assert.Equal("one"u8.ToArray(), restored.Process(first).ApplicationData);
        Assert.Throws<MessageRejectedException>(() => restored.Process(first));
        Assert.Equal(ProcessedKind.Application, restored.Process(own).Kind);
        Assert.Equal("after"u8.ToArray(), cell[0].Process(restored.Protect("after"u8)).ApplicationData);
        Assert.Equal(cell[0].EpochAuthenticator(), restored.EpochAuthenticator());
    }

    [Fact]
    public void A_restored_pending_commit_comes_back_staged_and_merges()
    {
        using var cell = new Cell(Suite, 3);
        using var store = new StoredGroup();
        store.Apply(cell[1].TakeChanges());
        var commit = cell[1].Commit();
        using (var changes = cell[1].TakeChanges())
        {
            Assert.NotNull(changes.EpochState);
            store.Apply(changes);
        }

        using var restored = store.Restore();
        Assert.True(restored.HasPendingCommit);
        var staged = restored.Process(commit.Commit).StagedCommit!;
        Assert.True(staged.IsOwnCommit);
        restored.Merge(staged);
        cell[0].ProcessAndMerge(commit.Commit);
        Assert.Equal(cell[0].EpochAuthenticator(), restored.EpochAuthenticator());

        // The new epoch replaces every record of the old one.
        store.Apply(restored.TakeChanges());
        using var again = store.Restore();
        Assert.Equal(restored.EpochAuthenticator(), again.EpochAuthenticator());
        Assert.Equal("next"u8.ToArray(), cell[0].Process(again.Protect("next"u8)).ApplicationData);
    }

    /// <summary>A commit that gives the committer a new credential and signature key (RFC 9420 §12.4.2), stored while pending: the new key survives the restore and signs once merged.</summary>
    [Fact]
    public void A_restored_pending_commit_with_a_new_identity_merges_and_signs_with_the_new_key()
    {
        using var cell = new Cell(Suite, 3);
        using var store = new StoredGroup();
        store.Apply(cell[1].TakeChanges());
        var before = cell[0].Members.Single(m => m.LeafIndex == cell[1].OwnLeafIndex);
        var commit = cell[1].Commit(new CommitRequest { NewIdentity = "Nightjar"u8.ToArray() });
        store.Apply(cell[1].TakeChanges());

        using var restored = store.Restore();
        restored.Merge(restored.Process(commit.Commit).StagedCommit!);
        cell[0].ProcessAndMerge(commit.Commit);
        cell[2].ProcessAndMerge(commit.Commit);
        var after = cell[0].Members.Single(m => m.LeafIndex == restored.OwnLeafIndex);
        Assert.Equal("Nightjar"u8.ToArray(), after.Identity);
        Assert.NotEqual(before.SignatureKey, after.SignatureKey);
        Assert.Equal(cell[0].EpochAuthenticator(), restored.EpochAuthenticator());

        // Its messages verify under the new key only, and the others' views agree.
        Assert.Equal("renamed"u8.ToArray(), cell[2].Process(restored.Protect("renamed"u8)).ApplicationData);
        var statement = restored.SignAsMember("test", "x"u8);
        Assert.True(cell[0].VerifyMemberSignature(after, "test", "x"u8, statement));
        Assert.False(cell[0].VerifyMemberSignature(before, "test", "x"u8, statement));
        store.Apply(restored.TakeChanges());
        using var again = store.Restore();
        Assert.Equal("again"u8.ToArray(), cell[0].Process(again.Protect("again"u8)).ApplicationData);
    }

    [Fact]
    public void A_removed_member_is_stored_as_removed()
    {
        using var cell = new Cell(Suite, 3);
        using var store = new StoredGroup();
        store.Apply(cell[2].TakeChanges());
        cell.Deliver(cell[0].Commit(removeLeaves: [2]).Commit, 0);
        Assert.False(cell[2].IsActive);
        store.Apply(cell[2].TakeChanges());
        using var restored = store.Restore();
        Assert.False(restored.IsActive);
    }

    [Fact]
    public void Restore_rejects_a_stale_a_missing_an_extra_and_a_duplicate_record()
    {
        using var cell = new Cell(Suite, 3);
        using var store = new StoredGroup();
        cell[2].Process(cell[1].Protect("x"u8));
        store.Apply(cell[2].TakeChanges());
        var leaf1 = Convert.ToHexString(LeafKey(1));
        var stale = store.Records[leaf1];

        cell.Deliver(cell[0].Commit().Commit, 0);
        cell[2].Process(cell[1].Protect("y"u8));
        store.Apply(cell[2].TakeChanges());
        var records = store.Records.Values.ToList();

        // A record of the epoch before, under its own key.
        var withStale = records.Select(r => Convert.ToHexString(r.Key) == leaf1 ? stale : r).ToList();
        Assert.Throws<DecodeException>(() => MlsGroup.Restore(store.EpochState, withStale, SystemRandom.Instance, TimeProvider.System));

        // A record missing: its leaves are covered by nothing.
        Assert.Throws<DecodeException>(() => MlsGroup.Restore(store.EpochState, records.Where(r => Convert.ToHexString(r.Key) != leaf1), SystemRandom.Instance, TimeProvider.System));

        // A record twice, and a record filed under another key (another leaf's ratchets).
        Assert.Throws<DecodeException>(() => MlsGroup.Restore(store.EpochState, [.. records, records[0]], SystemRandom.Instance, TimeProvider.System));
        var moved = KeyValuePair.Create(LeafKey(0), store.Records[leaf1].Value);
        Assert.Throws<DecodeException>(() => MlsGroup.Restore(store.EpochState, [.. records, moved], SystemRandom.Instance, TimeProvider.System));

        // An extra node secret: a leaf covered twice.
        var node = records.First(r => r.Key[0] == 0x01);
        var extraNode = KeyValuePair.Create<byte[], byte[]>([0x01, 0, 0, 0, 2], [.. node.Value[..8], 0, 0, 0, 2, .. node.Value[12..]]);
        Assert.Throws<DecodeException>(() => MlsGroup.Restore(store.EpochState, [.. records, extraNode], SystemRandom.Instance, TimeProvider.System));

        using var restored = MlsGroup.Restore(store.EpochState, records, SystemRandom.Instance, TimeProvider.System);
        Assert.Equal(cell[2].EpochAuthenticator(), restored.EpochAuthenticator());
    }

    [Fact]
    public void The_bytes_written_per_message_do_not_grow_with_the_group()
    {
        var small = BytesPerMessage(5);
        var large = BytesPerMessage(100);
        Assert.Equal(small.Sender, large.Sender);
        Assert.Equal(small.Receiver, large.Receiver);
        Assert.InRange(large.Sender, 1, 1024);
        Assert.InRange(large.Receiver, 1, 1024);
    }

    [Fact]
    public void A_rejected_message_leaves_nothing_to_store()
    {
        using var cell = new Cell(Suite, 3);
        cell[2].TakeChanges().Dispose();
        var message = cell[1].Protect("x"u8);
        var tampered = (byte[])message.Clone();
        tampered[^1] ^= 1;
        Assert.ThrowsAny<Exception>(() => cell[2].Process(tampered));
        using (var changes = cell[2].TakeChanges())
        {
            Assert.True(changes.IsEmpty);
        }

        cell[2].Process(message);
        using var after = cell[2].TakeChanges();
        Assert.Null(after.EpochState);
        Assert.NotEmpty(after.Records);
    }

    /// <summary>The bytes of the changes after one message (the sender's leaf already in use) at the sender and at a receiver.</summary>
    private static (int Sender, int Receiver) BytesPerMessage(int size)
    {
        using var creator = new Member("member-0", Suite);
        using var joiner = new Member("member-1", Suite);
        var others = Enumerable.Range(2, size - 2).Select(i => new Member($"member-{i}", Suite)).ToList();
        var bundles = others.Select(o => o.NewKeyPackage()).Append(joiner.NewKeyPackage()).ToList();
        creator.Group = Groups.Create("cell"u8.ToArray(), creator.NewKeyPackage(), SystemRandom.Instance);
        var add = creator.Group.Commit(addKeyPackages: bundles.Select(b => b.KeyPackageBytes));
        creator.Group.ProcessAndMerge(add.Commit);
        joiner.Group = Groups.JoinFromWelcome(add.Welcome!, bundles[^1], SystemRandom.Instance);
        joiner.Group.Process(creator.Group.Protect("first"u8));
        creator.Group.TakeChanges().Dispose();
        joiner.Group.TakeChanges().Dispose();

        var message = creator.Group.Protect(Encoding.UTF8.GetBytes("second"));
        joiner.Group.Process(message);
        using var sent = creator.Group.TakeChanges();
        using var received = joiner.Group.TakeChanges();
        Assert.Null(sent.EpochState);
        Assert.Null(received.EpochState);
        Assert.Empty(sent.Deleted);
        others.ForEach(o => o.Dispose());
        return (Bytes(sent), Bytes(received));
    }

    private static int Bytes(GroupStateChanges changes) => changes.Records.Sum(r => r.Key.Length + r.Value.Length) + changes.Deleted.Sum(k => k.Length);

    private static byte[] LeafKey(uint leaf) => [0x02, 0, 0, 0, (byte)leaf];
}
