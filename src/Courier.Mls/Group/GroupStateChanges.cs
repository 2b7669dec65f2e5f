namespace Courier.Mls.Group;

/// <summary>
/// What changed in a group's stored state since the last <see cref="MlsGroup.TakeChanges"/>: the
/// epoch state when it changed (a new epoch, a proposal kept, a commit created or dropped, a PSK
/// stored, a removal), the small records that changed (secret-tree node secrets, leaf ratchets,
/// sent messages) and the keys of records that no longer exist. The caller applies all of it in
/// one transaction, encrypted at rest, and then disposes it, which wipes the secrets.
/// </summary>
public sealed class GroupStateChanges : IDisposable
{
    internal GroupStateChanges(Secret? epochState, IReadOnlyList<KeyValuePair<byte[], Secret>> records, IReadOnlyList<byte[]> deleted)
    {
        EpochState = epochState;
        Records = records;
        Deleted = deleted;
    }

    /// <summary>The new epoch state, replacing the stored one; null when it did not change.</summary>
    public Secret? EpochState { get; }

    /// <summary>Records to write (key, value), each replacing any stored record of the same key.</summary>
    public IReadOnlyList<KeyValuePair<byte[], Secret>> Records { get; }

    /// <summary>Keys of stored records to delete.</summary>
    public IReadOnlyList<byte[]> Deleted { get; }

    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => EpochState is null && Records.Count == 0 && Deleted.Count == 0;

    /// <summary>Wipes the epoch state and every record value.</summary>
    public void Dispose()
    {
        EpochState?.Dispose();
        foreach (var record in Records)
        {
            record.Value.Dispose();
        }
    }
}
