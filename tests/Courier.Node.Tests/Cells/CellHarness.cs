using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Relay;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// An <see cref="ICellStore"/> in memory that keeps what the cell wrote as a vault would (the group
/// state, cursor, outbox), so that a test can reopen the cell from it, and collects what the cell
/// received and the Welcomes of its merged commits.
/// </summary>
internal sealed class MemoryCellStore : ICellStore
{
    private readonly Dictionary<string, OutboxEntry> _outbox = [];
    private readonly List<CellMessage> _received = [];
    private readonly SortedDictionary<string, KeyValuePair<byte[], byte[]>> _records = new(StringComparer.Ordinal);
    private byte[]? _pendingWelcome;

    /// <summary>The group's epoch state as last written.</summary>
    public byte[]? Group { get; private set; }

    /// <summary>The group's records (ratchets, node secrets, sent messages) by key, as last written.</summary>
    public IReadOnlyCollection<KeyValuePair<byte[], byte[]>> GroupRecords => _records.Values;

    /// <summary>The bytes of group state the last write carried (epoch state and records).</summary>
    public int LastGroupBytes { get; private set; }

    public CellCursor Cursor { get; private set; } = CellCursor.Start;

    public CellMembership? Membership { get; private set; }

    public IReadOnlyCollection<OutboxEntry> Outbox => _outbox.Values;

    /// <summary>The Welcomes of this member's commits that won their epoch, oldest first.</summary>
    public List<byte[]> Welcomes { get; } = [];

    public int Writes { get; private set; }

    /// <summary>The external commit in flight as last written (<see cref="PendingRejoin.Encode"/>), or null.</summary>
    public byte[]? PendingRejoin { get; private set; }

    /// <summary>The pending rejoin as a vault gives it back after a restart.</summary>
    public PendingRejoin? ReadPendingRejoin() => PendingRejoin is { } bytes ? Courier.Node.Cells.PendingRejoin.Decode(bytes) : null;

    public void Write(CellChange change)
    {
        Writes++;
        LastGroupBytes = 0;
        PendingRejoin = change.RejoinStarted?.Encode() ?? (change.RejoinAdopted is not null || change.RejoinLost ? null : PendingRejoin);
        if (change.RejoinAdopted is { } adopted)
        {
            _records.Clear();
            Group = adopted.State.ToArray();
            adopted.Records.ToList().ForEach(r => _records[Convert.ToHexString(r.Key)] = new(r.Key.ToArray(), r.Value.ToArray()));
        }

        if (change.Group is { } group)
        {
            if (group.EpochState is { } state)
            {
                Group = state.Export();
                LastGroupBytes += Group.Length;
            }

            foreach (var key in group.Deleted)
            {
                Assert.True(_records.Remove(Convert.ToHexString(key)), "a deleted record was stored");
            }

            foreach (var (key, value) in group.Records)
            {
                _records[Convert.ToHexString(key)] = new(key.ToArray(), value.Export());
                LastGroupBytes += key.Length + value.Length;
            }
        }

        Cursor = change.Cursor ?? Cursor;
        Membership = change.Membership ?? Membership;
        change.Queued.ToList().ForEach(e => _outbox[e.Id.ToString()] = e);
        change.Settled.ToList().ForEach(e => _outbox.Remove(e.Id.ToString()));
        _received.AddRange(change.Received);
        _pendingWelcome = change.CommitCreated ?? _pendingWelcome;
        if (change.CommitMerged is true && _pendingWelcome is { Length: > 0 })
        {
            Welcomes.Add(_pendingWelcome);
        }

        _pendingWelcome = change.CommitMerged is null ? _pendingWelcome : null;
    }

    public List<CellMessage> TakeReceived()
    {
        var taken = _received.ToList();
        _received.Clear();
        return taken;
    }
}

/// <summary>A member's cell with its store, with the calls tests make.</summary>
internal sealed class CellMember(Cell cell, MemoryCellStore store, IRelay relay, CellSettings settings) : IDisposable
{
    public Cell Cell { get; private set; } = cell;

    public MemoryCellStore Store { get; } = store;

    public MlsGroup Group => Cell.Group;

    /// <summary>This member's rejoin drop of the current period (as <see cref="Cell"/> derives it from the stored secret).</summary>
    public CellDrop RejoinDrop() => CellRejoin.DropOf(Store.Cursor.RejoinSecret, CellRejoin.PeriodOf(settings.Time.GetUtcNow(), settings.RejoinPeriod));

    public Task SendAsync(CellContent content) => Cell.SendAsync([content], null, [], default);

    /// <summary>Syncs and returns what arrived since the last call (during sends too).</summary>
    public async Task<List<CellMessage>> SyncAsync()
    {
        await Cell.SyncAsync(TimeSpan.Zero, [], default);
        return Store.TakeReceived();
    }

    public Task ChangeMembersAsync(IReadOnlyList<byte[]> add, IReadOnlyList<string> remove) => Cell.ChangeMembersAsync(add, remove, default);

    public Task UpdateKeysAsync() => Cell.UpdateKeysAsync(default);

    /// <summary>What the store's outbox holds once the cell wrote what waits, as when the node closes.</summary>
    public IReadOnlyCollection<OutboxEntry> OutboxAtClose
    {
        get
        {
            Cell.WriteDeferred();
            return Store.Outbox;
        }
    }

    /// <summary>Closes the cell as the node does (what waits is written) and opens it again from what its store holds, as after a restart (optionally through another relay).</summary>
    public void Reopen(IRelay? through = null)
    {
        Cell.WriteDeferred();
        Cell.Dispose();
        Cell = Cell.Open(MlsGroup.Restore(Store.Group!, Store.GroupRecords, SystemRandom.Instance, settings.Time), Store.Cursor, Store.Outbox, Store.ReadPendingRejoin(), through ?? relay, Store, settings);
    }

    /// <summary>
    /// Drops the cell from memory without writing what waits, as a crash would, and opens it again
    /// from its store, with the outbox entries as a vault gives them back (without the places the
    /// relay gave them, which are not stored).
    /// </summary>
    public void Crash()
    {
        Cell.Dispose();
        var outbox = Store.Outbox.Select(e => OutboxEntry.Decode(e.Encode())).ToList();
        Cell = Cell.Open(MlsGroup.Restore(Store.Group!, Store.GroupRecords, SystemRandom.Instance, settings.Time), Store.Cursor, outbox, Store.ReadPendingRejoin(), relay, Store, settings);
    }

    public void Dispose() => Cell.Dispose();
}

/// <summary>Members with their own signing keys, and the cells they make over one relay.</summary>
internal sealed class People(IRelay relay, CellSettings? settings = null) : IDisposable
{
    public const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    private readonly List<IDisposable> _owned = [];

    public CellSettings Settings { get; } = settings ?? new(TimeSpan.FromSeconds(10), TimeProvider.System);

    public async Task<Dictionary<string, CellMember>> CellAsync(params string[] codeNames)
    {
        var bundles = codeNames.Select(Bundle).ToList();
        var founder = await NewMemberAsync(store => Cell.CreateAsync(bundles[0], relay, store, Settings, default));
        var cells = new Dictionary<string, CellMember> { [codeNames[0]] = founder };
        await founder.ChangeMembersAsync(bundles.Skip(1).Select(b => b.KeyPackageBytes).ToList(), []);
        var welcome = Assert.Single(founder.Store.Welcomes);
        for (var i = 1; i < codeNames.Length; i++)
        {
            var bundle = bundles[i];
            cells[codeNames[i]] = await NewMemberAsync(store => Cell.JoinAsync(welcome, bundle, relay, store, Settings, default));
        }

        return cells;
    }

    public void Dispose() => _owned.ForEach(o => o.Dispose());

    private async Task<CellMember> NewMemberAsync(Func<MemoryCellStore, Task<Cell>> start)
    {
        var store = new MemoryCellStore();
        var member = new CellMember(await start(store), store, relay, Settings);
        _owned.Add(member);
        return member;
    }

    private KeyPackageBundle Bundle(string codeName)
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        var bundle = KeyPackageBundle.Generate(Suite, Encoding.UTF8.GetBytes(codeName), signer, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
        _owned.Add(bundle);
        return bundle;
    }
}
