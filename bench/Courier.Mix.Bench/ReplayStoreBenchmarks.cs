using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Courier.Mix.Bench;

/// <summary>
/// What a relay adds to an unwrap for its replay check: one new tag committed to <see cref="SqliteReplayTags"/>
/// (WAL, synchronous=NORMAL) alone, and a group of 64 committed together as a batch between mixes commits
/// them. Not part of the raw bound (no cryptography).
/// </summary>
public class ReplayStoreBenchmarks
{
    /// <summary>The tags of one <see cref="CommitGroup"/>: a full batch between mixes.</summary>
    public const int GroupSize = 64;

    private readonly byte[] tag = new byte[32];
    private string directory = null!;
    private SqliteReplayTags tags = null!;
    private long counter;

    [GlobalSetup]
    public void Setup()
    {
        directory = Directory.CreateTempSubdirectory("courier-mix-bench-").FullName;
        tags = SqliteReplayTags.Open(Path.Combine(directory, "tags.db"));
        RandomNumberGenerator.Fill(tag);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        tags.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>A tag never seen before, committed.</summary>
    [Benchmark]
    public bool CommitTag()
    {
        BitConverter.TryWriteBytes(tag, ++counter);
        return tags.TryAdd(1, tag);
    }

    /// <summary>64 tags never seen before, committed in one group (divide by 64 for the cost per packet).</summary>
    [Benchmark]
    public bool CommitGroup()
    {
        var group = new (ulong, byte[])[GroupSize];
        for (int i = 0; i < group.Length; i++)
        {
            var next = new byte[32];
            tag.CopyTo(next, 0);
            BitConverter.TryWriteBytes(next, ++counter);
            group[i] = (1, next);
        }

        return tags.AddAsync(group).GetAwaiter().GetResult()[0];
    }
}
