using Courier.Mls.Crypto;

namespace Courier.Mls.Interop;

/// <summary>
/// Everything the service holds, in memory. One id counter serves states, transactions, reinit
/// handles and external signers, because StorePSK takes a state or a transaction id.
/// Not thread-safe: the service serializes every call.
/// </summary>
internal sealed class InteropStore
{
    /// <summary>
    /// How many states are kept. The working group's runner frees only each actor's last state, at
    /// the end of a run, so the states a reinit, branch or external join leaves behind, and those
    /// of members removed early in a long script, stay until they are dropped here, least recently
    /// used first. A state in use is named in every commit of its group, so only idle ones go;
    /// freeing a dropped state succeeds, any other call on it fails with NOT_FOUND saying so.
    /// </summary>
    public const int MaxStates = 1024;

    /// <summary>
    /// How many unclaimed transactions, reinit handles and external signers are kept, each. The
    /// interop API has no call to free them, and a run that ends early (or a script that never
    /// uses a KeyPackage) leaves them behind; every private key holds a few libsodium memory
    /// mappings, so without a bound a long run exhausts the process's mappings. The oldest go
    /// first: far more than the largest script (deep_random, 841 actors) has outstanding.
    /// </summary>
    public const int MaxUnclaimed = 1024;

    private uint _lastId;
    private long _uses;

    /// <summary>One call at a time: the states and the maps below have no finer lock.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public Dictionary<uint, GroupEntry> States { get; } = [];

    /// <summary>The ids of states dropped to stay within <see cref="MaxStates"/>.</summary>
    public HashSet<uint> Dropped { get; } = [];

    public Dictionary<uint, Transaction> Transactions { get; } = [];

    public Dictionary<uint, ReInitEntry> ReInits { get; } = [];

    public Dictionary<uint, (SignaturePrivateKey Key, CipherSuiteId Suite)> Signers { get; } = [];

    public uint NewId() => ++_lastId;

    /// <summary>Keeps a state under a new id, dropping the least recently used beyond <see cref="MaxStates"/>.</summary>
    public uint Add(GroupEntry entry)
    {
        var id = NewId();
        entry.LastUse = ++_uses;
        States[id] = entry;
        while (States.Count > MaxStates)
        {
            var idle = States.MinBy(s => s.Value.LastUse).Key;
            Free(idle);
            Dropped.Add(idle);
        }

        return id;
    }

    /// <summary>The state under <paramref name="id"/>, marked as just used; null when there is none.</summary>
    public GroupEntry? Use(uint id)
    {
        if (!States.TryGetValue(id, out var entry))
        {
            return null;
        }

        entry.LastUse = ++_uses;
        return entry;
    }

    /// <summary>Keeps a KeyPackage under a new id, dropping the oldest unclaimed ones beyond <see cref="MaxUnclaimed"/>.</summary>
    public uint Add(Transaction transaction)
    {
        var id = NewId();
        Transactions[id] = transaction;
        Trim(Transactions, t => t.Dispose());
        return id;
    }

    /// <summary>Keeps a reinit handle under a new id, dropping the oldest beyond <see cref="MaxUnclaimed"/>.</summary>
    public uint Add(ReInitEntry reInit)
    {
        var id = NewId();
        ReInits[id] = reInit;
        Trim(ReInits, Release);
        return id;
    }

    /// <summary>Keeps an external signer's key under a new id, dropping the oldest beyond <see cref="MaxUnclaimed"/>.</summary>
    public uint Add(SignaturePrivateKey key, CipherSuiteId suite)
    {
        var id = NewId();
        Signers[id] = (key, suite);
        Trim(Signers, s => s.Key.Dispose());
        return id;
    }

    /// <summary>
    /// Frees a state, unless a pending reinit still needs it as the group it continues; false when
    /// no state has the id (a dropped one counts as freed already).
    /// </summary>
    public bool Free(uint id)
    {
        if (!States.Remove(id, out var entry))
        {
            return Dropped.Remove(id);
        }

        if (!ReInits.Values.Any(r => ReferenceEquals(r.Old, entry)))
        {
            entry.Dispose();
        }

        return true;
    }

    /// <summary>Drops a used reinit handle, and the old group with it once no state_id or other handle names it.</summary>
    public void Finish(uint reInitId)
    {
        if (ReInits.Remove(reInitId, out var reInit))
        {
            Release(reInit);
        }
    }

    private void Release(ReInitEntry reInit)
    {
        reInit.Dispose();
        if (!States.Values.Contains(reInit.Old) && !ReInits.Values.Any(r => ReferenceEquals(r.Old, reInit.Old)))
        {
            reInit.Old.Dispose();
        }
    }

    private static void Trim<T>(Dictionary<uint, T> items, Action<T> drop)
    {
        while (items.Count > MaxUnclaimed)
        {
            // Ids only grow, so the smallest is the oldest.
            var oldest = items.Keys.Min();
            items.Remove(oldest, out var item);
            drop(item!);
        }
    }
}
