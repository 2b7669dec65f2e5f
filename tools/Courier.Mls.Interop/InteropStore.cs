using Courier.Mls.Crypto;

namespace Courier.Mls.Interop;

/// <summary>
/// Everything the service holds, in memory. One id counter serves states, transactions, reinit
/// handles and external signers, because StorePSK takes a state or a transaction id.
/// Not thread-safe: the service serializes every call.
/// </summary>
internal sealed class InteropStore
{
    private uint _lastId;

    public Dictionary<uint, GroupEntry> States { get; } = [];

    public Dictionary<uint, Transaction> Transactions { get; } = [];

    public Dictionary<uint, ReInitEntry> ReInits { get; } = [];

    public Dictionary<uint, (SignaturePrivateKey Key, CipherSuiteId Suite)> Signers { get; } = [];

    public uint NewId() => ++_lastId;

    public uint Add(GroupEntry entry)
    {
        var id = NewId();
        States[id] = entry;
        return id;
    }

    /// <summary>Frees a state, unless a pending reinit still needs it as the group it continues.</summary>
    public bool Free(uint id)
    {
        if (!States.Remove(id, out var entry))
        {
            return false;
        }

        if (!ReInits.Values.Any(r => ReferenceEquals(r.Old, entry)))
        {
            entry.Dispose();
        }

        return true;
    }
}
