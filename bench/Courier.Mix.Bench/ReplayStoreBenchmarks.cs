using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Courier.Mix.Bench;

/// <summary>
/// What a relay adds to an unwrap for its replay check: one new tag committed to <see cref="SqliteReplayTags"/>
/// (WAL, synchronous=NORMAL), as each accepted packet does. Not part of the raw bound (no cryptography).
/// </summary>
public class ReplayStoreBenchmarks
{
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
}
