using BenchmarkDotNet.Attributes;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Bench;

/// <summary>
/// The group-size ops of bench/ts-mls: add_commit, join_from_welcome, update_commit and
/// process_update_commit. Each iteration is one operation (invocation count 1); what it changes is
/// rebuilt from saved state in <see cref="IterationSetupAttribute"/>, outside the measurement, so
/// every iteration starts from the same state, as ts-mls's immutable states do.
/// </summary>
public class GroupBenchmarks
{
    private GroupFixture _fixture = null!;
    private MlsGroup? _group;

    /// <summary>The group sizes of this run (set by <see cref="Program"/>; one size per BenchmarkDotNet run).</summary>
    public static IReadOnlyList<int> Sizes { get; set; } = [10];

    /// <summary>N, the number of members.</summary>
    [ParamsSource(nameof(Sizes))]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _fixture = GroupFixture.For(N);

    [IterationSetup(Targets = [nameof(AddCommit)])]
    public void RestoreOneMemberGroup() => _group = _fixture.OneMemberState.Restore();

    [IterationSetup(Targets = [nameof(UpdateCommit)])]
    public void RestoreCommitter() => _group = _fixture.CommitterState.Restore();

    [IterationSetup(Targets = [nameof(ProcessUpdateCommit)])]
    public void RestoreJoiner() => _group = _fixture.JoinerState.Restore();

    [IterationCleanup]
    public void DisposeGroup()
    {
        _group?.Dispose();
        _group = null;
    }

    /// <summary>One commit adding N-1 members to a one-member group: Commit, Welcome and GroupInfo as bytes.</summary>
    [Benchmark]
    public CommitResult AddCommit() => _group!.Commit(new CommitRequest { Add = _fixture.JoinerKeyPackages });

    /// <summary>The last added member (leaf N-1) decodes the Welcome and joins, with the tree from the GroupInfo.</summary>
    [Benchmark]
    public MlsGroup JoinFromWelcome() => _group = MlsGroup.JoinFromWelcome(_fixture.Welcome, _fixture.JoinerBundle, SystemRandom.Instance, GroupFixture.Clock);

    /// <summary>The creator's full commit (UpdatePath to all N-1 other leaves) in the tree the add commit left.</summary>
    [Benchmark]
    public CommitResult UpdateCommit() => _group!.Commit();

    /// <summary>Leaf N-1 decodes and processes that commit.</summary>
    [Benchmark]
    public ProcessedMessage ProcessUpdateCommit()
    {
        var processed = _group!.Process(_fixture.UpdateCommit);
        _group.Merge(processed.StagedCommit!);
        return processed;
    }
}
