using Courier.Mls.Crypto;

namespace Courier.Mls.Tests.Crypto;

/// <summary>ParallelWork runs every item once, on several threads when there are cores, and fails as a loop would.</summary>
public class ParallelWorkTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public void Every_item_runs_exactly_once(int count)
    {
        var runs = new int[count];

        ParallelWork.For(count, i => Interlocked.Increment(ref runs[i]));

        Assert.All(runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public void The_exception_of_the_lowest_failing_index_is_thrown_after_every_item_ran()
    {
        var runs = new int[500];

        var e = Assert.Throws<InvalidOperationException>(() => ParallelWork.For(runs.Length, i =>
        {
            Interlocked.Increment(ref runs[i]);
            if (i is 499 or 123 or 321)
            {
                throw new InvalidOperationException($"item {i}");
            }
        }));

        Assert.Equal("item 123", e.Message);
        Assert.All(runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public void Items_are_shared_with_other_threads_only_when_there_are_other_cores()
    {
        var threads = new HashSet<int>();
        using var second = new ManualResetEventSlim();

        // The first item waits (up to 10 s, the thread pool may be busy with other tests) for
        // another thread to take an item.
        ParallelWork.For(200, _ =>
        {
            lock (threads)
            {
                threads.Add(Environment.CurrentManagedThreadId);
                if (threads.Count >= 2)
                {
                    second.Set();
                }
            }

            second.Wait(TimeSpan.FromSeconds(10));
        });

        // One core: the calling thread runs every item and no helper is started.
        Assert.Equal(Math.Min(Environment.ProcessorCount, 2) > 1, threads.Count >= 2);
        Assert.True(threads.Count <= Environment.ProcessorCount);
    }
}
