using Courier.Relay.Client;

namespace Courier.Relay.Storage;

/// <summary>
/// Wakes long-polls in this process when a drop gets an envelope. Only drops with a waiting fetch
/// have an entry, so idle drops cost no memory here.
/// </summary>
internal sealed class AppendSignals
{
    private readonly Dictionary<DropName, Entry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Waits for the next signal of <paramref name="drop"/>; the caller must re-check the store after registering.</summary>
    public Registration Register(DropName drop)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(drop, out var entry))
            {
                entry = new Entry();
                _entries[drop] = entry;
            }

            entry.Waiters++;
            return new Registration(this, drop, entry);
        }
    }

    /// <summary>
    /// A long-poll of one process's store: returns once <paramref name="drop"/> (as
    /// <paramref name="store"/> reads it) has an envelope after <paramref name="after"/>, is gone, or
    /// <paramref name="timeout"/> passed.
    /// </summary>
    public async Task WaitAsync(IDropStore store, DropName drop, long after, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var registration = Register(drop);
        var state = await store.GetDropAsync(drop, cancellationToken).ConfigureAwait(false);
        if (state is null || state.LastSeq > after)
        {
            return;
        }

        await Task.WhenAny(registration.Signaled, Task.Delay(timeout, time, cancellationToken)).ConfigureAwait(false);
    }

    public void Signal(DropName drop)
    {
        Entry? entry;
        lock (_lock)
        {
            if (!_entries.Remove(drop, out entry))
            {
                return;
            }
        }

        entry.Completion.TrySetResult();
    }

    private void Unregister(DropName drop, Entry entry)
    {
        lock (_lock)
        {
            entry.Waiters--;
            if (entry.Waiters == 0 && _entries.TryGetValue(drop, out var current) && ReferenceEquals(current, entry))
            {
                _entries.Remove(drop);
            }
        }
    }

    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    internal sealed class Entry
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters { get; set; }
    }

    internal sealed class Registration(AppendSignals owner, DropName drop, AppendSignals.Entry entry) : IDisposable
    {
        public Task Signaled => entry.Completion.Task;

        public void Dispose() => owner.Unregister(drop, entry);
    }
}
