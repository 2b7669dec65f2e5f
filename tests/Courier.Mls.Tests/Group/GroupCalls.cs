using System.Security.Cryptography;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>A clock that stands still at <paramref name="seconds"/> since 1970.</summary>
internal sealed class FixedTime(ulong seconds) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds((long)seconds);
}

/// <summary>
/// Short forms of the group API for tests: creating and joining with the system clock (or a fixed
/// time), committing with named arguments, processing with the staged commit merged at once (as
/// the node merges the first valid commit), and whole-state snapshots.
/// </summary>
internal static class Groups
{
    public static TimeProvider Clock(ulong? now) => now is { } seconds ? new FixedTime(seconds) : TimeProvider.System;

    public static MlsGroup Create(byte[] groupId, KeyPackageBundle creator, IRandom random, IReadOnlyList<byte[]>? externalSenders = null)
        => MlsGroup.Create(groupId, creator, random, TimeProvider.System, new CreateOptions { ExternalSenders = externalSenders });

    public static MlsGroup JoinFromWelcome(
        ReadOnlySpan<byte> welcome,
        KeyPackageBundle bundle,
        IRandom random,
        byte[]? ratchetTree = null,
        IEnumerable<KeyValuePair<byte[], byte[]>>? externalPsks = null,
        ulong? now = null,
        MlsGroup? resumedFrom = null)
        => MlsGroup.JoinFromWelcome(welcome, bundle, random, Clock(now), new JoinOptions { RatchetTree = ratchetTree, ExternalPsks = externalPsks ?? [], ResumedFrom = resumedFrom });

    public static ExternalJoinResult JoinExternally(
        ReadOnlySpan<byte> groupInfo,
        KeyPackageBundle joiner,
        IRandom random,
        byte[]? ratchetTree = null,
        uint? removePriorLeaf = null,
        ulong? now = null,
        IEnumerable<KeyValuePair<byte[], byte[]>>? externalPsks = null)
        => MlsGroup.JoinExternally(groupInfo, joiner, random, Clock(now), new ExternalJoinOptions { RatchetTree = ratchetTree, RemovePriorLeaf = removePriorLeaf, ExternalPsks = externalPsks ?? [] });

    public static CommitResult Commit(
        this MlsGroup group,
        IEnumerable<byte[]>? addKeyPackages = null,
        IEnumerable<uint>? removeLeaves = null,
        IEnumerable<byte[]>? externalPskIds = null,
        IEnumerable<ulong>? resumptionPskEpochs = null,
        IEnumerable<(ushort Type, byte[] Data)>? groupContextExtensions = null,
        bool includeRatchetTree = true)
        => group.Commit(new CommitRequest
        {
            Add = addKeyPackages ?? [],
            Remove = removeLeaves ?? [],
            ExternalPskIds = externalPskIds ?? [],
            ResumptionPskEpochs = resumptionPskEpochs ?? [],
            GroupContextExtensions = groupContextExtensions,
            IncludeRatchetTree = includeRatchetTree,
        });

    /// <summary>Processes a message and merges the commit it carries, if any.</summary>
    public static ProcessedMessage ProcessAndMerge(this MlsGroup group, ReadOnlySpan<byte> message)
    {
        var processed = group.Process(message);
        if (processed.StagedCommit is { } staged)
        {
            group.Merge(staged);
        }

        return processed;
    }

    /// <summary>The group's whole stored state, as a store that took every change would hold it.</summary>
    public static StoredGroup Save(this MlsGroup group)
    {
        var stored = new StoredGroup();
        using var snapshot = group.Snapshot();
        stored.Apply(snapshot);
        return stored;
    }
}

/// <summary>A group's stored state in memory: the epoch state and the records by key, as a vault would keep them.</summary>
internal sealed class StoredGroup : IDisposable
{
    public byte[]? EpochState { get; private set; }

    public SortedDictionary<string, KeyValuePair<byte[], byte[]>> Records { get; } = new(StringComparer.Ordinal);

    /// <summary>Applies (and then wipes) the changes of one <see cref="MlsGroup.TakeChanges"/>.</summary>
    public void Apply(GroupStateChanges changes)
    {
        if (changes.EpochState is { } state)
        {
            Wipe(EpochState);
            EpochState = state.Export();
        }

        foreach (var key in changes.Deleted)
        {
            Assert.True(Records.Remove(Convert.ToHexString(key), out var old), "a deleted record was stored");
            Wipe(old.Value);
        }

        foreach (var (key, value) in changes.Records)
        {
            var hex = Convert.ToHexString(key);
            if (Records.Remove(hex, out var old))
            {
                Wipe(old.Value);
            }

            Records[hex] = new(key.ToArray(), value.Export());
        }
    }

    public MlsGroup Restore(TimeProvider? time = null)
        => MlsGroup.Restore(EpochState, Records.Values, SystemRandom.Instance, time ?? TimeProvider.System);

    /// <summary>Every stored byte: the epoch state, then each record's key and value in key order.</summary>
    public byte[] Export() => [.. EpochState ?? [], .. Records.Values.SelectMany(r => r.Key.Concat(r.Value))];

    public bool ContentEquals(StoredGroup other) => Export().AsSpan().SequenceEqual(other.Export());

    public void Dispose()
    {
        Wipe(EpochState);
        foreach (var record in Records.Values)
        {
            Wipe(record.Value);
        }
    }

    private static void Wipe(byte[]? bytes)
    {
        if (bytes is not null)
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
