using System.Collections.Concurrent;
using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Bench;

/// <summary>
/// The inputs of the group benchmarks for a group of <see cref="Size"/> members, built once per size
/// through the public API only, in the same order as bench/ts-mls/bench.mjs: a one-member group, the
/// commit adding members 1..N-1 (its Welcome), the joiner at the last leaf, and an update commit made
/// by the creator in the tree the add commit left behind, which the joiner processes.
/// </summary>
internal sealed class GroupFixture
{
    /// <summary>The ciphersuite of every benchmark of the run (suite 1 unless <c>--suite</c> says otherwise).</summary>
    public static CipherSuiteId Suite { get; set; } = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    // A fixed lifetime, and a clock that stands inside it, so runs do not depend on the date.
    public const ulong NotBefore = 1_700_000_000;
    public const ulong NotAfter = NotBefore + (90 * 24 * 3600);

    /// <summary>The groups' clock: one hour into the KeyPackages' lifetime.</summary>
    public static readonly TimeProvider Clock = new FixedClock(NotBefore + 3600);

    private static readonly ConcurrentDictionary<int, Lazy<GroupFixture>> Cache = new();

    private GroupFixture(int size)
    {
        Size = size;
        var random = SystemRandom.Instance;
        var creator = NewBundle("member0");
        var joiners = Enumerable.Range(1, size - 1).Select(i => NewBundle($"member{i}")).ToList();
        JoinerKeyPackages = joiners.Select(b => b.KeyPackageBytes).ToArray();
        JoinerBundle = joiners[^1];

        using var group = MlsGroup.Create(Encoding.UTF8.GetBytes($"bench-group-{size}"), creator, random, Clock);
        OneMemberState = Saved(group);

        var add = group.Commit(new CommitRequest { Add = JoinerKeyPackages });
        AddCommitSize = add.Commit.Length;
        group.Merge(group.Process(add.Commit).StagedCommit!);
        Welcome = add.Welcome ?? throw new InvalidOperationException("the add commit has no Welcome");
        using var joiner = MlsGroup.JoinFromWelcome(Welcome, JoinerBundle, random, Clock);
        Agree(group, joiner, "after the add commit");
        if (joiner.OwnLeafIndex != size - 1)
        {
            throw new InvalidOperationException($"the joiner is at leaf {joiner.OwnLeafIndex}, not {size - 1}");
        }

        CommitterState = Saved(group);
        JoinerState = Saved(joiner);

        UpdateCommit = group.Commit().Commit;
        group.Merge(group.Process(UpdateCommit).StagedCommit!);
        joiner.Merge(joiner.Process(UpdateCommit).StagedCommit!);
        Agree(group, joiner, "after the update commit");

        creator.Dispose();
        foreach (var b in joiners.Where(b => b != JoinerBundle))
        {
            b.Dispose();
        }
    }

    public int Size { get; }

    /// <summary>MLSMessage(KeyPackage) of members 1..N-1.</summary>
    public byte[][] JoinerKeyPackages { get; }

    /// <summary>The bundle of the last added member (leaf N-1), the one that joins.</summary>
    public KeyPackageBundle JoinerBundle { get; }

    /// <summary>The creator alone in its group, epoch 0.</summary>
    public StoredState OneMemberState { get; }

    /// <summary>The encoded size of the add commit (MLSMessage bytes).</summary>
    public int AddCommitSize { get; }

    /// <summary>The Welcome of the add commit.</summary>
    public byte[] Welcome { get; }

    /// <summary>The creator right after merging the add commit (epoch 1).</summary>
    public StoredState CommitterState { get; }

    /// <summary>The last member right after joining (epoch 1).</summary>
    public StoredState JoinerState { get; }

    /// <summary>The creator's update commit from <see cref="CommitterState"/>.</summary>
    public byte[] UpdateCommit { get; }

    public static GroupFixture For(int size) => Cache.GetOrAdd(size, s => new Lazy<GroupFixture>(() => new GroupFixture(s))).Value;

    public static KeyPackageBundle NewBundle(string name)
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        return KeyPackageBundle.Generate(Suite, Encoding.UTF8.GetBytes(name), signer, NotBefore, NotAfter, SystemRandom.Instance);
    }

    public static void Agree(MlsGroup a, MlsGroup b, string when)
    {
        if (!a.EpochAuthenticator().AsSpan().SequenceEqual(b.EpochAuthenticator()))
        {
            throw new InvalidOperationException($"the members disagree on the epoch {when}");
        }
    }

    /// <summary>The group's whole stored state: taken right after it entered an epoch, its changes are everything.</summary>
    private static StoredState Saved(MlsGroup group)
    {
        using var changes = group.TakeChanges();
        var state = changes.EpochState ?? throw new InvalidOperationException("the group did not just enter an epoch");
        return new StoredState(state.Export(), changes.Records.Select(r => KeyValuePair.Create(r.Key, r.Value.Export())).ToList());
    }

    private sealed class FixedClock(ulong seconds) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds((long)seconds);
    }
}

/// <summary>A group's stored state: the epoch state and the records.</summary>
internal sealed record StoredState(byte[] EpochState, IReadOnlyList<KeyValuePair<byte[], byte[]>> Records)
{
    public MlsGroup Restore() => MlsGroup.Restore(EpochState, Records, SystemRandom.Instance, GroupFixture.Clock);
}
