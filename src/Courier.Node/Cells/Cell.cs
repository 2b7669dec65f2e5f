using System.Text;
using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Relay;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// A cell: an MLS group whose members know each other only by the code names they use in it, and
/// whose traffic goes through one dead drop per epoch on its layer's relay. The drop's name and read
/// key come from the MLS exporter, so the relay sees a new, unlinkable drop every epoch.
/// </summary>
/// <remarks>
/// The drop's order is the delivery service: for each epoch, every member applies the first valid
/// commit in it (RFC 9420 §12.4), so no member forks. A member that lost the race for an epoch
/// commits its change again in the next one. A message sent into an epoch that a commit closed
/// before it arrived is sent again in the new epoch, so every member reads it once. Everything sent
/// is first kept in the outbox and leaves it once the relay acknowledged it and the epoch's order
/// is known. Every change of state goes down to the <see cref="ICellStore"/> before its effect
/// leaves the process. Not thread-safe.
/// </remarks>
internal sealed partial class Cell : IDisposable
{
    /// <summary>How often a commit is tried when other members' commits win the epoch.</summary>
    public const int CommitAttempts = 8;

    /// <summary>The envelope kind of a cell's MLS messages, inside the seal (<see cref="SealedEnvelope"/>).</summary>
    public const byte FrameKind = 0x30;

    /// <summary>The most batches one read of the drop takes (at most 256 envelopes each): a relay that invents envelopes without end cannot keep a sync from returning.</summary>
    public const int MaxBatchesPerRead = 1024;

    /// <summary>The most messages of one send protected and stored in one transaction (16 file chunks are about 1 MiB).</summary>
    private const int SendBatch = 16;

    private readonly IRelay _relay;
    private readonly ICellStore _store;
    private readonly CellSettings _settings;
    private readonly List<OutboxEntry> _outbox;
    private readonly Dictionary<ulong, long> _closedAt;
    private readonly HashSet<string> _leaving;

    private CellDrop? _drop;
    private long _position;

    /// <summary>A digest of the envelope read at <see cref="_position"/>, or empty (<see cref="CellCursor.PositionDigest"/>).</summary>
    private byte[] _positionDigest = [];
    private bool _ownCommitMerged;

    private Cell(MlsGroup group, CellCursor cursor, IEnumerable<OutboxEntry> outbox, IRelay relay, ICellStore store, CellSettings settings)
    {
        Group = group;
        _relay = relay;
        _store = store;
        _settings = settings;
        _position = cursor.Position;
        _positionDigest = cursor.PositionDigest;
        _closedAt = new Dictionary<ulong, long>(cursor.ClosedAt);
        _leaving = new HashSet<string>(cursor.Leaving, StringComparer.Ordinal);
        _outbox = [.. outbox.OrderBy(e => e.Order)];
        _rejoinSecret = cursor.RejoinSecret;
        _rejoinCheckedAt = cursor.RejoinCheckedAt;
        _gapSince = cursor.GapSince;
    }

    /// <summary>The cell's MLS group (a new one once this member rejoined after falling behind).</summary>
    public MlsGroup Group { get; private set; }

    /// <summary>This member's code name in the cell.</summary>
    public string CodeName => CodeNameOf(Group.OwnLeafIndex);

    /// <summary>The code names of the members.</summary>
    public IReadOnlyList<string> Members => Group.Members.Select(m => Encoding.UTF8.GetString(m.Identity)).ToList();

    /// <summary>The drop of the current epoch (for tests that inspect what a relay holds).</summary>
    public DropName CurrentDrop => _drop!.Name;

    /// <summary>Creates a cell whose only member is the owner of <paramref name="self"/>, and stores it.</summary>
    public static async Task<Cell> CreateAsync(KeyPackageBundle self, IRelay relay, ICellStore store, CellSettings settings, CancellationToken cancellationToken)
    {
        var groupId = new byte[32];
        SystemRandom.Instance.Fill(groupId);
        return await StartAsync(MlsGroup.Create(groupId, self, SystemRandom.Instance, settings.Time), relay, store, settings, create: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Joins a cell from the Welcome a member delivered, and stores it.</summary>
    /// <exception cref="MessageRejectedException">The Welcome is not for <paramref name="self"/>, or does not verify.</exception>
    /// <exception cref="DecodeException">The Welcome is malformed.</exception>
    public static async Task<Cell> JoinAsync(byte[] welcome, KeyPackageBundle self, IRelay relay, ICellStore store, CellSettings settings, CancellationToken cancellationToken)
        => await StartAsync(MlsGroup.JoinFromWelcome(welcome, self, SystemRandom.Instance, settings.Time), relay, store, settings, create: false, cancellationToken).ConfigureAwait(false);

    /// <summary>A stored cell, as <see cref="ICellStore"/> last wrote it, with its external commit in flight if a crash interrupted one (finished by the next read).</summary>
    public static Cell Open(MlsGroup group, CellCursor cursor, IEnumerable<OutboxEntry> outbox, PendingRejoin? rejoin, IRelay relay, ICellStore store, CellSettings settings)
    {
        var cell = new Cell(group, cursor, outbox, relay, store, settings) { _pendingRejoin = rejoin };
        if (group.IsActive)
        {
            cell.SetDrop();
            if (cell._rejoinSecret.Length == 0)
            {
                // A cursor written before rejoin secrets: the members at this epoch all derive this one.
                cell._rejoinSecret = CellRejoin.SecretOf(group);
            }
        }

        return cell;
    }

    /// <summary>
    /// Adds members (serialized KeyPackages) and removes members (by code name) in one commit, and
    /// returns once the commit has won its epoch. The commit's Welcome goes to the store with the
    /// commit (<see cref="CellChange.CommitCreated"/>), before it leaves.
    /// </summary>
    /// <exception cref="CellBusyException">Other members' commits won <see cref="CommitAttempts"/> epochs in a row.</exception>
    public Task ChangeMembersAsync(IReadOnlyList<byte[]> add, IReadOnlyList<string> remove, CancellationToken cancellationToken)
        => ChangeMembersAsync(add, remove, CommitAttempts, cancellationToken);

    // stillWanted: checked after each read, before committing; false when a commit read meanwhile made the change needless.
    // newIdentity: this member's new code name, with a new signing key, in the same commit (docs/cells.md, "Burning a cell").
    private async Task ChangeMembersAsync(IReadOnlyList<byte[]> add, IReadOnlyList<string> remove, int attempts, CancellationToken cancellationToken, Func<bool>? stillWanted = null, byte[]? newIdentity = null)
    {
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        foreach (var name in remove)
        {
            _ = LeafOf(name);
        }

        for (var attempt = 0; attempt < attempts; attempt++)
        {
            await FetchAsync(TimeSpan.Zero, [], cancellationToken).ConfigureAwait(false);
            var leaves = remove.Select(TryLeafOf).OfType<uint>().ToList();
            if ((remove.Count > 0 && leaves.Count == 0 && add.Count == 0) || stillWanted?.Invoke() == false)
            {
                // Another member's commit already removed them.
                return;
            }

            if (Group.HasPendingCommit)
            {
                // Ours from an attempt whose append never reached the relay (it stayed unreachable): the
                // read above would have merged it had it been stored, and no other commit closed the
                // epoch, so it is in no drop: void, as a refused one. Its Welcome goes with it.
                Group.DiscardPendingCommit();
                Write(new CellChange { Group = SaveGroup(), CommitMerged = false });
            }

            var result = Group.Commit(new CommitRequest { Add = add, Remove = leaves, NewIdentity = newIdentity });
            Write(new CellChange { Group = SaveGroup(), CommitCreated = result.Welcome ?? [] });

            // The committer alone creates the next epoch's drop, before its commit can be read: the
            // number of creates tells the relay nothing about the number of members.
            using (var next = CellDrop.OfPendingCommit(Group))
            {
                await CreateDropAsync(next, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await AppendAsync(_drop!.Name, _drop.AppendKey, _drop.Seal(FrameKind, result.Commit), MessageId.NewRandom(), cancellationToken).ConfigureAwait(false);
            }
            catch (RelayRejectedException)
            {
                // Refused for good, so it is in no drop: void, as a commit that lost its race.
                Group.DiscardPendingCommit();
                Write(new CellChange { Group = SaveGroup(), CommitMerged = false });
                throw;
            }

            // The relay acknowledged it, so this read reaches it: merged, or behind another member's commit.
            _ownCommitMerged = false;
            await FetchAsync(TimeSpan.Zero, [], cancellationToken).ConfigureAwait(false);
            if (_ownCommitMerged)
            {
                return;
            }
        }

        throw new CellBusyException($"Other members' commits won {attempts} epochs in a row; the change was not made. Try again.");
    }

    /// <summary>Commits an update of this member's keys: post-compromise security for it.</summary>
    public Task UpdateKeysAsync(CancellationToken cancellationToken) => ChangeMembersAsync([], [], cancellationToken);

    /// <summary>
    /// Sends contents to the cell, in order, and returns once the relay acknowledged each. The drop is
    /// read once before (to be in the latest epoch) and once after (to learn where they landed).
    /// </summary>
    /// <exception cref="MessageTooLargeException">A content does not fit one envelope; nothing more was sent.</exception>
    /// <exception cref="RelayUnreachableException">The relay stayed away; what was protected waits in the outbox.</exception>
    public async Task SendAsync(IEnumerable<CellContent> contents, IProgress<CellContent>? progress, List<CellMessage> received, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var reachable = true;
        try
        {
            await FetchAsync(TimeSpan.Zero, received, cancellationToken).ConfigureAwait(false);
            if (_gapSince != 0)
            {
                // It may have fallen behind: rejoin first, so the message goes out in the cell's epoch.
                await CheckRejoinDropAsync(received, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RelayUnreachableException)
        {
            // The relay is away: the message waits in the outbox, in the epoch this member knows.
            reachable = false;
        }

        using var next = contents.GetEnumerator();
        var more = next.MoveNext();
        while (more)
        {
            var batch = new List<(OutboxEntry Entry, CellContent Content)>();
            try
            {
                // A file's chunks go to the store a batch at a time: one transaction per megabyte or so, not per chunk.
                while (more && batch.Count < SendBatch)
                {
                    batch.Add((Protect(next.Current.ToBytes(), (next.Current as FileChunk)?.Source), next.Current));
                    more = next.MoveNext();
                }
            }
            finally
            {
                // The ratchet keys are spent: the state that knows them goes to storage before any of them leaves.
                if (batch.Count > 0)
                {
                    Write(new CellChange { Group = SaveGroup(), Queued = batch.ConvertAll(b => b.Entry) });
                }
            }

            if (AwaitingReAdd)
            {
                // Kept for the epoch the Welcome starts, not sent into one the others left.
                continue;
            }

            if (!reachable)
            {
                throw new RelayUnreachableException($"The relay at {_relay.Address} cannot be reached; the message waits in the outbox and goes out with the next sync.");
            }

            foreach (var (entry, content) in batch)
            {
                await SendEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                progress?.Report(content);
            }
        }

        await FetchAsync(TimeSpan.Zero, received, cancellationToken).ConfigureAwait(false);
        await MoveToFreshDropIfNeededAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends what the outbox still holds (after a relay outage or a restart), reads what the cell's
    /// drops hold, following commits into new epochs, and removes members that announced they leave.
    /// What others wrote goes to the store and into <paramref name="received"/>.
    /// <paramref name="wait"/> long-polls for the first envelope.
    /// </summary>
    public async Task SyncAsync(TimeSpan wait, List<CellMessage> received, CancellationToken cancellationToken)
    {
        if (_outbox.Any(e => e.Sequence is null))
        {
            // Learn the epoch first: a member that fell behind rejoins before what waits goes out, so
            // it goes out in the new epoch and never as ciphertext of an epoch the others left.
            await FetchAsync(TimeSpan.Zero, received, cancellationToken).ConfigureAwait(false);
            if (_gapSince != 0)
            {
                await CheckRejoinDropAsync(received, cancellationToken).ConfigureAwait(false);
            }
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await FetchAsync(wait, received, cancellationToken).ConfigureAwait(false);
        await CheckRejoinDropAsync(received, cancellationToken).ConfigureAwait(false);
        await MoveToFreshDropIfNeededAsync(cancellationToken).ConfigureAwait(false);
        var leaving = _leaving.Where(n => TryLeafOf(n) is not null && n != CodeName).ToList();
        if (Group.IsActive && leaving.Count > 0)
        {
            await ChangeMembersAsync([], leaving, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wipes the cell's secrets.</summary>
    public void Dispose()
    {
        _drop?.Dispose();
        _pendingRejoin?.Dispose();
        Group.Dispose();
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_rejoinSecret);
    }

    /// <summary>An MLS message sealed for the current epoch's drop (tests that append crafted messages).</summary>
    internal byte[] Seal(byte[] mlsMessage) => _drop!.Seal(FrameKind, mlsMessage);

    /// <summary>An envelope of the current epoch's drop opened (tests of who can read what), or null.</summary>
    internal (byte Kind, byte[] Content)? Open(byte[] envelope) => _drop!.TryOpen(envelope);

    /// <summary>Sends as a member that has not yet seen the latest commit would (tests of late messages).</summary>
    internal async Task SendWithoutFetchAsync(CellContent content, CancellationToken cancellationToken)
    {
        var entry = ProtectAndStore(content.ToBytes(), (content as FileChunk)?.Source, settled: null);
        await SendEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Cell> StartAsync(MlsGroup group, IRelay relay, ICellStore store, CellSettings settings, bool create, CancellationToken cancellationToken)
    {
        var cell = new Cell(group, CellCursor.Start, [], relay, store, settings);
        try
        {
            cell.EnterEpoch();
            cell._rejoinSecret = CellRejoin.SecretOf(group);
            cell._rejoinCheckedAt = settings.Time.GetUtcNow().ToUnixTimeSeconds();
            if (create)
            {
                await cell.CreateDropAsync(cell._drop!, cancellationToken).ConfigureAwait(false);
            }

            cell.Write(new CellChange { Group = cell.SaveGroup(), Cursor = cell.Cursor(), Membership = cell.Membership() });
            if (create)
            {
                await cell.PublishGroupInfoAsync(cancellationToken).ConfigureAwait(false);
            }

            return cell;
        }
        catch
        {
            cell.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends what the outbox has not yet had acknowledged, with the message ids it was first sent
    /// with (a retry stores nothing twice), and sends again, in the current epoch, what landed in an
    /// earlier epoch's drop after the commit that closed it.
    /// </summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (AwaitingReAdd)
        {
            return;
        }

        // Entries of a version before sealed envelopes hold bare MLS messages no member reads any more:
        // they are protected and sealed again in this epoch.
        foreach (var unsealed in _outbox.Where(e => e.Envelope is null).ToList())
        {
            _outbox.Remove(unsealed);
            if (Group.IsActive && unsealed.Content is { } content)
            {
                ProtectAndStore(content, unsealed.Source, settled: unsealed);
            }
            else
            {
                Write(new CellChange { Settled = [unsealed] });
            }
        }

        foreach (var entry in _outbox.Where(e => e.Sequence is null && !e.Refused).ToList())
        {
            await SendEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        // Sent again after a crash lost their settlement: the relay answered with the places they
        // already had, behind the read position.
        var behind = _outbox.Where(e => e.Epoch == Group.Epoch && e.Drop == _drop!.Name && e.Sequence <= _position).ToList();
        if (behind.Count > 0)
        {
            _outbox.RemoveAll(behind.Contains);
            Write(new CellChange { Settled = behind });
        }

        // What landed after the commit that closed its epoch, and what the relay refused there, goes out again now.
        var old = _outbox.Where(e => e.Epoch < Group.Epoch).ToList();
        var late = old.Where(e => e.Refused || (_closedAt.TryGetValue(e.Epoch, out var closedAt) && e.Sequence > closedAt)).ToList();
        _outbox.RemoveAll(old.Contains);
        foreach (var epoch in _closedAt.Keys.Where(k => !_outbox.Any(e => e.Epoch == k)).ToList())
        {
            _closedAt.Remove(epoch);
        }

        if (old.Count == 0)
        {
            return;
        }

        Write(new CellChange { Cursor = Cursor(), Settled = old.Except(late).ToList() });

        var changed = new List<OutboxEntry>();
        foreach (var entry in late)
        {
            if (!Group.IsActive)
            {
                break;
            }

            if (entry.Content is not { } content)
            {
                changed.Add(entry);
                continue;
            }

            var again = ProtectAndStore(content, entry.Source, settled: entry);
            await SendEntryAsync(again, cancellationToken).ConfigureAwait(false);
        }

        if (changed.Count > 0)
        {
            // It cannot be sent as it was: dropped once, and said, rather than failing every sync.
            Write(new CellChange { Settled = changed });
            var source = changed[0].Source!;
            throw new FileChangedException($"The file {source.Name} changed on disk before chunks of it that a commit made late could be sent again ({changed.Count} of {source.Count}); the receivers will not have it whole. Send it again.");
        }
    }

    /// <summary>Protects content in the current epoch and stores it in the outbox (replacing <paramref name="settled"/>, sent again), before it may leave.</summary>
    private OutboxEntry ProtectAndStore(byte[] content, FileChunkSource? source, OutboxEntry? settled)
    {
        var entry = Protect(content, source, settled?.QueuedAt);

        // The ratchet key is spent: the state that knows it goes to storage before the message leaves.
        Write(new CellChange { Group = SaveGroup(), Cursor = settled is null ? null : Cursor(), Queued = [entry], Settled = settled is null ? [] : [settled] });
        return entry;
    }

    /// <summary>Protects content in the current epoch into a new outbox entry (holding <paramref name="source"/> in place of a file chunk's bytes), which the caller stores before it leaves.</summary>
    private OutboxEntry Protect(byte[] content, FileChunkSource? source, long? queuedAt = null)
    {
        var mls = Group.Protect(content);

        // Checked before it enters the outbox: kept there, it could never leave.
        if (mls.Length > SealedEnvelope.MaxContent)
        {
            throw new MessageTooLargeException($"The message is too large for one envelope ({mls.Length} bytes protected, at most {SealedEnvelope.MaxContent}); send long texts as a file. Nothing was sent.");
        }

        var entry = new OutboxEntry(_outbox.Count == 0 ? 0 : _outbox.Max(e => e.Order) + 1, Group.Epoch, _drop!.Name, MessageId.NewRandom(), source is null ? content : null, source, _drop.Seal(FrameKind, mls))
        {
            AppendSeed = [.. _drop.AppendSeed],
            QueuedAt = queuedAt is > 0 ? queuedAt.Value : _settings.Time.GetUtcNow().ToUnixTimeSeconds(),
        };
        _outbox.Add(entry);
        return entry;
    }

    private void EnterEpoch()
    {
        SetDrop();
        _position = 0;
        _positionDigest = [];
        _leaving.RemoveWhere(n => TryLeafOf(n) is null);
    }

    private Task CreateDropAsync(CellDrop drop, CancellationToken cancellationToken)
        => RelayRetry.RunAsync(() => _relay.CreateDropAsync(drop.Name, drop.ReadKey, drop.AppendKey, cancellationToken), _settings.RetryFor, _settings.Time, cancellationToken);

    private void SetDrop()
    {
        _drop?.Dispose();
        _drop = CellDrop.Of(Group);
    }

    /// <summary>Appends a sealed envelope to a drop, signed with its append key, retrying with the same message id until the relay acknowledges.</summary>
    private Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, byte[] envelope, MessageId id, CancellationToken cancellationToken)
    {
        return RelayRetry.RunAsync(() => _relay.AppendAsync(drop, appendKey, envelope, id, cancellationToken), _settings.RetryFor, _settings.Time, cancellationToken);
    }

    private string CodeNameOf(uint leaf)
        => Group.Members.FirstOrDefault(m => m.LeafIndex == leaf) is { } member ? Encoding.UTF8.GetString(member.Identity) : $"leaf {leaf}";

    private uint? TryLeafOf(string codeName)
        => Group.Members.FirstOrDefault(m => Encoding.UTF8.GetString(m.Identity) == codeName)?.LeafIndex;

    private uint LeafOf(string codeName)
        => TryLeafOf(codeName) ?? throw new ArgumentException($"No member of the cell is called {codeName}.", nameof(codeName));
}
