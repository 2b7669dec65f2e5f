using Courier.Mix;

namespace Courier.TestKit;

/// <summary>The in-memory <see cref="IReplayTags"/>: what a mix that never restarts would keep.</summary>
public sealed class InMemoryReplayTags : IReplayTags
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<ulong, HashSet<string>> epochs = [];

    /// <summary>How many tags are kept, over all epochs.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return epochs.Values.Sum(tags => tags.Count);
            }
        }
    }

    /// <inheritdoc/>
    public bool TryAdd(ulong epoch, ReadOnlySpan<byte> tag)
    {
        var key = Convert.ToHexString(tag);
        lock (gate)
        {
            if (!epochs.TryGetValue(epoch, out var tags))
            {
                epochs[epoch] = tags = [];
            }

            return tags.Add(key);
        }
    }

    /// <inheritdoc/>
    public void ForgetBefore(ulong epoch)
    {
        lock (gate)
        {
            foreach (var old in epochs.Keys.Where(e => e < epoch).ToList())
            {
                epochs.Remove(old);
            }
        }
    }
}
