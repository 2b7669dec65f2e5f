namespace Courier.Mls.Group;

/// <summary>
/// Storing the group incrementally: the epoch state (<see cref="GroupStateCodec"/>), written when
/// it changes, and small records (<see cref="GroupRecords"/>) for what changes per message.
/// </summary>
public sealed partial class MlsGroup
{
    /// <summary>Keys of the records the store holds, as of the last <see cref="TakeChanges"/> (hex).</summary>
    private readonly Dictionary<string, byte[]> _storedKeys = new(StringComparer.Ordinal);

    /// <summary>Fingerprints added to the current epoch's sent messages since the last <see cref="TakeChanges"/>.</summary>
    private readonly HashSet<string> _sentChanged = new(StringComparer.Ordinal);

    /// <summary>True when the epoch state changed since the last <see cref="TakeChanges"/>; a new or joined group starts so.</summary>
    private bool _epochChanged;

    /// <summary>
    /// What changed in the stored state since the last call (after creating or joining, everything;
    /// after <see cref="Restore"/>, nothing until the group changes). The caller writes it, encrypted,
    /// in one transaction: the epoch state when non-null, each record by key, deleting the keys of
    /// <see cref="GroupStateChanges.Deleted"/>; then it disposes the changes. Sending or receiving an
    /// application message changes only the sender leaf's ratchet record (the first time a leaf is
    /// used in an epoch, also the node secrets beside its path) and, for this member's own
    /// messages, one sent record: what is written per message does not grow with the group.
    /// </summary>
    public GroupStateChanges TakeChanges()
    {
        var epoch = State;
        var tree = epoch.SecretTree;
        var records = new List<KeyValuePair<byte[], Secret>>();
        var deleted = new List<byte[]>();
        Secret? epochState = null;
        try
        {
            var (nodes, leaves) = tree.TakeChanged();
            if (_epochChanged)
            {
                var current = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                epochState = WriteEverything(epoch, records, current);
                deleted.AddRange(_storedKeys.Where(k => !current.ContainsKey(k.Key)).Select(k => k.Value));
                _storedKeys.Clear();
                foreach (var (hex, key) in current)
                {
                    _storedKeys[hex] = key;
                }
            }
            else
            {
                foreach (var node in nodes.Order())
                {
                    Change(records, deleted, GroupRecords.NodeKey(node), tree.HoldsNode(node) ? GroupRecords.NodeValue(epoch, node) : null);
                }

                foreach (var leaf in leaves.Order())
                {
                    Change(records, deleted, GroupRecords.LeafKey(leaf), tree.HoldsLeaf(leaf) ? GroupRecords.LeafValue(epoch, leaf) : null);
                }

                foreach (var fingerprint in _sentChanged.Order(StringComparer.Ordinal))
                {
                    Change(records, deleted, GroupRecords.SentKey(fingerprint), GroupRecords.SentValue(epoch, epoch.Sent[fingerprint]));
                }
            }

            _epochChanged = false;
            _sentChanged.Clear();
            return new GroupStateChanges(epochState, records, deleted);
        }
        catch
        {
            epochState?.Dispose();
            records.ForEach(r => r.Value.Dispose());
            throw;
        }
    }

    /// <summary>
    /// A group from its stored epoch state and records (everything <see cref="TakeChanges"/> wrote,
    /// with the deleted records gone), continuing exactly where it stopped, with the clock
    /// <paramref name="time"/>. The caller wipes its copies of the bytes. Bad bytes, a record of
    /// another epoch, an unknown, duplicate or missing record, and a secret tree that does not cover
    /// every leaf exactly once throw <see cref="DecodeException"/>.
    /// </summary>
    public static MlsGroup Restore(ReadOnlySpan<byte> epochState, IEnumerable<KeyValuePair<byte[], byte[]>> records, IRandom random, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        var (signer, psks, epoch, pending, retained, past) = GroupStateCodec.Read(epochState);
        var group = new MlsGroup(epoch, signer, random, time) { _retainedPastEpochs = retained };
        group._past.AddRange(past);
        foreach (var (id, psk) in psks)
        {
            group._externalPsks[id] = psk;
        }

        if (pending is { } p)
        {
            group._pending = new PendingCommit(p.Message, p.Staged, p.NewSigner);
        }

        try
        {
            foreach (var (key, value) in records)
            {
                ArgumentNullException.ThrowIfNull(key);
                ArgumentNullException.ThrowIfNull(value);
                if (!group._storedKeys.TryAdd(Convert.ToHexString(key), key.ToArray()))
                {
                    throw new DecodeException(DecodeError.InvalidValue, "GroupRecord");
                }

                GroupRecords.Read(epoch, key, value);
            }

            epoch.SecretTree.Seal("GroupRecords");
            epoch.SecretTree.TakeChanged();
            group._epochChanged = false;
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The whole stored state as it would be after writing every change, without touching what the
    /// group tracks as stored: for tests that compare or copy states.
    /// </summary>
    internal GroupStateChanges Snapshot()
    {
        var records = new List<KeyValuePair<byte[], Secret>>();
        try
        {
            return new GroupStateChanges(WriteEverything(State, records, new Dictionary<string, byte[]>(StringComparer.Ordinal)), records, []);
        }
        catch
        {
            records.ForEach(r => r.Value.Dispose());
            throw;
        }
    }

    /// <summary>The epoch state, and every record of the current epoch added to <paramref name="records"/> and <paramref name="current"/>.</summary>
    private Secret WriteEverything(GroupEpoch epoch, List<KeyValuePair<byte[], Secret>> records, Dictionary<string, byte[]> current)
    {
        var tree = epoch.SecretTree;
        foreach (var node in tree.HeldNodes)
        {
            Add(records, current, GroupRecords.NodeKey(node), GroupRecords.NodeValue(epoch, node));
        }

        foreach (var leaf in tree.HeldLeaves)
        {
            Add(records, current, GroupRecords.LeafKey(leaf), GroupRecords.LeafValue(epoch, leaf));
        }

        foreach (var (fingerprint, kind) in epoch.Sent.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Add(records, current, GroupRecords.SentKey(fingerprint), GroupRecords.SentValue(epoch, kind));
        }

        return GroupStateCodec.Write(_signer, _externalPsks, epoch, _pending is { } p ? (p.Message, p.Staged, p.NewSigner) : null, _retainedPastEpochs, _past);
    }

    private static void Add(List<KeyValuePair<byte[], Secret>> records, Dictionary<string, byte[]> current, byte[] key, Secret value)
    {
        records.Add(new(key, value));
        current[Convert.ToHexString(key)] = key;
    }

    /// <summary>A record written (<paramref name="value"/>) or, when it is gone and the store has it, deleted.</summary>
    private void Change(List<KeyValuePair<byte[], Secret>> records, List<byte[]> deleted, byte[] key, Secret? value)
    {
        var hex = Convert.ToHexString(key);
        if (value is not null)
        {
            records.Add(new(key, value));
            _storedKeys[hex] = key;
        }
        else if (_storedKeys.Remove(hex))
        {
            deleted.Add(key);
        }
    }
}
