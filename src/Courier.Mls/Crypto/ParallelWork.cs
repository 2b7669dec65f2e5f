using System.Runtime.ExceptionServices;

namespace Courier.Mls.Crypto;

/// <summary>
/// Independent items of work (the HPKE encryptions of a commit or a Welcome, the leaf signatures of
/// a joined tree) spread over the cores: the calling thread and one thread-pool helper per other
/// core take items one at a time from a shared counter. Unlike <see cref="Parallel.For(int, int, Action{int})"/>,
/// the caller never waits for a helper that has not started yet (it takes the items itself) and
/// nothing spins while waiting: on a loaded machine, where a helper may not run for many
/// milliseconds, the work takes about as long as on one thread instead of longer.
/// </summary>
internal static class ParallelWork
{
    /// <summary>
    /// Runs <paramref name="body"/> for every index below <paramref name="count"/>. When items
    /// throw, the exception of the lowest index is rethrown once all have run, as a loop would
    /// have thrown it first.
    /// </summary>
    public static void For(int count, Action<int> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(body);
        var work = new Work(count, body);
        var helpers = Math.Min(Environment.ProcessorCount, count) - 1;
        for (var h = 0; h < helpers; h++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static w => w.Run(), work, preferLocal: false);
        }

        work.Run();
        work.WaitForAll();
        if (Array.Find(work.Failures, e => e is not null) is { } first)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }

    private sealed class Work(int count, Action<int> body)
    {
        private readonly object _gate = new();
        private int _next = -1;
        private readonly int _count = count;
        private int _remaining = count;

        public Exception?[] Failures { get; } = new Exception?[count];

        /// <summary>Takes items until none is left; a helper that starts late finds none and returns.</summary>
        public void Run()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < _count)
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    Failures[i] = e;
                }

                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    lock (_gate)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }

        /// <summary>Returns once every item has run (only items already taken by helpers can be left).</summary>
        public void WaitForAll()
        {
            lock (_gate)
            {
                while (Volatile.Read(ref _remaining) > 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }
    }
}
