using System.Security.Cryptography;
using System.Text;
using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// A cell: an MLS group whose members know each other only by the code names they use in it, and
/// whose traffic goes through one dead drop per epoch on its layer's relays. The drop's name and read
/// key come from the MLS exporter, so the relay sees a new, unlinkable drop every epoch.
/// </summary>
/// <remarks>
/// The drop's order is the delivery service: for each epoch, every member applies the first valid
/// commit in it (RFC 9420 §12.4; <see cref="MlsGroup"/>), so no member forks. A member that lost
/// the race for an epoch commits its change again in the next one. A message sent into an epoch that
/// a commit closed before it arrived is sent again in the new epoch, so every member reads it once.
/// Everything sent is first kept in the cell's outbox and leaves it once the relay acknowledged it
/// and the epoch's order is known. Not thread-safe.
/// </remarks>
public sealed class Cell : IDisposable
{
    /// <summary>How often a commit is retried when other members' commits win the epoch.</summary>
    public const int CommitAttempts = 8;

    private const string DropLabel = "courier cell drop";
    private const string ReadKeyLabel = "courier cell drop read key";
    private const byte StateVersion = 1;

    private readonly IDropTransport _transport;

    // Sent by this member and not yet known to be in its epoch's order before the closing commit.
    private readonly List<OutboxEntry> _outbox = [];

    // For epochs the outbox still holds entries of: the sequence number of the commit that closed them.
    private readonly Dictionary<ulong, long> _closedAt = [];

    // What was received while syncing for another reason (before a send or a commit), for the next SyncAsync.
    private readonly List<CellMessage> _inbox = [];

    // Members that announced they leave; any member removes them with its next commit.
    private readonly HashSet<string> _leaving = [];

    // Welcomes of merged commits, until the caller took them for delivery; the pending commit's own.
    private readonly List<(byte[] Tag, byte[] Welcome)> _welcomes = [];
    private (byte[] Tag, byte[] Welcome)? _pendingWelcome;

    private DropName _drop;
    private DropReadKey? _readKey;
    private long _position;
    private bool _ownCommitMerged;

    private Cell(string name, string layer, MlsGroup group, IDropTransport transport)
    {
        Name = name;
        Layer = layer;
        Group = group;
        _transport = transport;
    }

    /// <summary>The cell's name, as this member knows it (never sent to a relay).</summary>
    public string Name { get; }

    /// <summary>The layer the cell belongs to.</summary>
    public string Layer { get; }

    /// <summary>The cell's MLS group.</summary>
    public MlsGroup Group { get; }

    /// <summary>This member's code name in the cell.</summary>
    public string CodeName => CodeNameOf(Group.OwnLeafIndex);

    /// <summary>The code names of the members.</summary>
    public IReadOnlyList<string> Members => Group.Members.Select(m => Encoding.UTF8.GetString(m.Identity)).ToList();

    /// <summary>The drop of the current epoch (for tests that inspect what a relay holds).</summary>
    public DropName CurrentDrop => _drop;

    /// <summary>
    /// Called after every change of state that must survive a crash, before its effect leaves the
    /// process (a message protected with a ratchet key, a commit, a new epoch): the node stores
    /// <see cref="Save"/> there, so a restart never reuses a key nor loses a received message.
    /// </summary>
    internal Action? Checkpoint { get; set; }

    /// <summary>How long a relay call is retried through transient failures before it fails (<see cref="Outbox"/>).</summary>
    internal TimeSpan RetryFor { get; set; } = Outbox.GiveUpAfter;

    /// <summary>Creates a cell whose only member is the owner of <paramref name="self"/>.</summary>
    public static async Task<Cell> CreateAsync(string name, string layer, KeyPackageBundle self, IDropTransport transport, CancellationToken cancellationToken = default)
    {
        var groupId = new byte[32];
        SystemRandom.Instance.Fill(groupId);
        var cell = new Cell(name, layer, MlsGroup.Create(groupId, self, SystemRandom.Instance), transport);
        await cell.EnterEpochAsync(cancellationToken).ConfigureAwait(false);
        return cell;
    }

    /// <summary>Joins a cell from the Welcome a member delivered.</summary>
    public static async Task<Cell> JoinAsync(string name, string layer, byte[] welcome, KeyPackageBundle self, IDropTransport transport, CancellationToken cancellationToken = default)
    {
        var cell = new Cell(name, layer, MlsGroup.JoinFromWelcome(welcome, self, SystemRandom.Instance), transport);
        await cell.EnterEpochAsync(cancellationToken).ConfigureAwait(false);
        return cell;
    }

    /// <summary>
    /// Adds members (serialized KeyPackages) and removes members (by code name) in one commit, and
    /// returns the Welcome for the added members once the commit has won its epoch (null when nothing
    /// was added, or when the members to remove are already gone). The node also keeps the Welcome in
    /// the cell's state until it has been handed on, so that a crash before delivery loses nothing.
    /// </summary>
    public async Task<byte[]?> ChangeMembersAsync(IReadOnlyList<byte[]> add, IReadOnlyList<string> remove, CancellationToken cancellationToken = default)
        => await ChangeMembersAsync(add, remove, [], cancellationToken).ConfigureAwait(false);

    internal async Task<byte[]?> ChangeMembersAsync(IReadOnlyList<byte[]> add, IReadOnlyList<string> remove, byte[] welcomeTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        foreach (var name in remove)
        {
            _ = LeafOf(name);
        }

        for (var attempt = 0; attempt < CommitAttempts; attempt++)
        {
            await FetchAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            var leaves = remove.Select(TryLeafOf).OfType<uint>().ToList();
            if (remove.Count > 0 && leaves.Count == 0 && add.Count == 0)
            {
                // Another member's commit already removed them.
                return null;
            }

            var result = Group.Commit(addKeyPackages: add, removeLeaves: leaves);
            _pendingWelcome = result.Welcome is { } created ? (welcomeTag, created) : null;
            Checkpoint?.Invoke();
            await AppendAsync(_drop, result.Commit, MessageId.NewRandom(), cancellationToken).ConfigureAwait(false);
            _ownCommitMerged = false;
            await FetchAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (_ownCommitMerged)
            {
                return result.Welcome;
            }

            // Another member's commit came first in the drop: propose the change again in the new epoch.
            Group.DiscardPendingCommit();
            _pendingWelcome = null;
        }

        throw new InvalidOperationException($"The commit lost {CommitAttempts} epochs in a row to other members' commits.");
    }

    /// <summary>Commits an update of this member's keys: post-compromise security for it.</summary>
    public Task UpdateKeysAsync(CancellationToken cancellationToken = default) => ChangeMembersAsync([], [], cancellationToken);

    /// <summary>The Welcomes of this member's merged commits not yet taken, with the tags given to <see cref="ChangeMembersAsync(IReadOnlyList{byte[]}, IReadOnlyList{string}, CancellationToken)"/>.</summary>
    internal IReadOnlyList<(byte[] Tag, byte[] Welcome)> TakeWelcomes()
    {
        var taken = _welcomes.ToList();
        _welcomes.Clear();
        return taken;
    }

    /// <summary>Sends content to the cell; returns once the relay acknowledged it.</summary>
    public Task SendAsync(CellContent content, CancellationToken cancellationToken = default) => SendAsync(content, syncFirst: true, cancellationToken);

    /// <summary>Sends; without <paramref name="syncFirst"/>, as a member that has not yet seen the latest commit would (tests).</summary>
    internal async Task SendAsync(CellContent content, bool syncFirst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        Exception? unreachable = null;
        try
        {
            if (syncFirst)
            {
                await FetchAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (Outbox.IsTransient(e))
        {
            // The relay is away: the message waits in the outbox, in the epoch this member knows.
            unreachable = e;
        }

        await SendInCurrentEpochAsync(content.ToBytes(), append: unreachable is null, cancellationToken).ConfigureAwait(false);
        if (unreachable is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unreachable);
        }
    }

    /// <summary>
    /// Announces that this member leaves: the others remove it with their next commit. The caller
    /// then forgets the cell.
    /// </summary>
    public Task LeaveAsync(CancellationToken cancellationToken = default) => SendAsync(new LeaveNotice(), cancellationToken);

    /// <summary>
    /// Sends what the outbox still holds (after a relay outage or a restart), fetches and processes
    /// what the cell's drops hold, following commits into new epochs, removes members that announced
    /// they leave, and returns every message received since the last call, each once.
    /// <paramref name="wait"/> long-polls for the first envelope.
    /// </summary>
    public async Task<IReadOnlyList<CellMessage>> SyncAsync(TimeSpan wait = default, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await FetchAsync(wait, cancellationToken).ConfigureAwait(false);
        var leaving = _leaving.Where(n => TryLeafOf(n) is not null && n != CodeName).ToList();
        if (Group.IsActive && leaving.Count > 0)
        {
            await ChangeMembersAsync([], leaving, cancellationToken).ConfigureAwait(false);
        }

        var received = _inbox.ToList();
        _inbox.Clear();
        return received;
    }

    /// <summary>Wipes the cell's secrets.</summary>
    public void Dispose()
    {
        _readKey?.Dispose();
        Group.Dispose();
    }

    /// <summary>
    /// The cell's whole state, secrets included (the group, the drop position, the outbox, received
    /// messages not yet taken): <see cref="Restore"/> continues exactly here. Wipe it after storing it.
    /// </summary>
    internal byte[] Save()
    {
        using var writer = new RecordWriter(16 * 1024);
        using (var secret = Group.Save())
        {
            var group = secret.Export();
            writer.U8(StateVersion).Opaque(group).I64(_position);
            CryptographicOperations.ZeroMemory(group);
        }

        writer.U32((uint)_outbox.Count);
        foreach (var entry in _outbox)
        {
            writer.I64((long)entry.Epoch).Fixed(entry.Drop.Bytes).Fixed(entry.Id.Bytes).I64(entry.Sequence ?? -1).Opaque(entry.Content).Opaque(entry.Mls);
        }

        writer.U32((uint)_closedAt.Count);
        foreach (var (epoch, sequence) in _closedAt)
        {
            writer.I64((long)epoch).I64(sequence);
        }

        writer.U32((uint)_inbox.Count);
        foreach (var message in _inbox)
        {
            writer.Text(message.Sender).I64((long)message.Epoch).Opaque(message.Content.ToBytes());
        }

        writer.List(_leaving.Select(Encoding.UTF8.GetBytes).ToList());
        writer.U32((uint)_welcomes.Count);
        foreach (var (tag, welcome) in _welcomes)
        {
            writer.Opaque(tag).Opaque(welcome);
        }

        writer.U8(_pendingWelcome is null ? (byte)0 : (byte)1);
        if (_pendingWelcome is var (pendingTag, pendingWelcome))
        {
            writer.Opaque(pendingTag).Opaque(pendingWelcome);
        }

        return writer.ToArray();
    }

    /// <summary>A cell from the bytes of <see cref="Save"/>, speaking to its relays through <paramref name="transport"/>.</summary>
    /// <exception cref="MalformedRecordException">The bytes are not a saved cell.</exception>
    internal static Cell Restore(string name, string layer, ReadOnlySpan<byte> state, IDropTransport transport)
    {
        var reader = new RecordReader(state, "cell");
        if (reader.U8() != StateVersion)
        {
            throw reader.Error("unknown version");
        }

        var groupState = reader.Opaque(int.MaxValue);
        MlsGroup group;
        try
        {
            group = MlsGroup.Restore(groupState, SystemRandom.Instance);
        }
        catch (DecodeException e)
        {
            throw reader.Error("the group state is damaged (" + e.Reason + ")");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(groupState);
        }

        var cell = new Cell(name, layer, group, transport);
        try
        {
            cell._position = reader.I64();
            for (var count = reader.U32(); count > 0; count--)
            {
                var epoch = (ulong)reader.I64();
                var drop = DropName.FromBytes(reader.Fixed(DropName.Size));
                var id = MessageId.FromBytes(reader.Fixed(MessageId.Size));
                var sequence = reader.I64();
                cell._outbox.Add(new OutboxEntry(epoch, drop, id, reader.Opaque(Envelope.MaxPayload), reader.Opaque(Envelope.MaxPayload)) { Sequence = sequence < 0 ? null : sequence });
            }

            for (var count = reader.U32(); count > 0; count--)
            {
                cell._closedAt[(ulong)reader.I64()] = reader.I64();
            }

            for (var count = reader.U32(); count > 0; count--)
            {
                var sender = reader.Text(1024);
                var epoch = (ulong)reader.I64();
                var content = CellContent.Parse(reader.Opaque(Envelope.MaxPayload)) ?? throw reader.Error("a received message is damaged");
                cell._inbox.Add(new CellMessage(sender, content, epoch));
            }

            foreach (var leaving in reader.List(1 << 16, 1024))
            {
                cell._leaving.Add(Encoding.UTF8.GetString(leaving));
            }

            for (var count = reader.U32(); count > 0; count--)
            {
                cell._welcomes.Add((reader.Opaque(1 << 16), reader.Opaque(Envelope.MaxPayload)));
            }

            if (reader.U8() == 1)
            {
                cell._pendingWelcome = (reader.Opaque(1 << 16), reader.Opaque(Envelope.MaxPayload));
            }

            reader.EnsureEnd();
            if (group.IsActive)
            {
                cell.SetDrop();
            }

            return cell;
        }
        catch
        {
            cell.Dispose();
            throw;
        }
    }

    private async Task FetchAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        while (Group.IsActive)
        {
            var readKey = _readKey!;
            var (drop, position, pollFor) = (_drop, _position, wait);
            var batch = await Outbox.RetryAsync(() => _transport.FetchAsync(drop, readKey, position, pollFor, cancellationToken), RetryFor, cancellationToken).ConfigureAwait(false);
            if (batch.Envelopes.Count == 0)
            {
                break;
            }

            wait = TimeSpan.Zero;
            var epochBefore = Group.Epoch;
            var closed = false;
            foreach (var envelope in batch.Envelopes)
            {
                _position = envelope.Seq;
                if (Accept(envelope) && Group.Epoch != epochBefore)
                {
                    closed = true;
                    _closedAt[epochBefore] = envelope.Seq;
                    break;
                }
            }

            // What this member sent into the epoch up to here is in the order before any commit.
            _outbox.RemoveAll(e => e.Epoch == epochBefore && e.Sequence <= (closed ? _closedAt[epochBefore] : _position));
            if (closed && Group.IsActive)
            {
                await EnterEpochAsync(cancellationToken).ConfigureAwait(false);
                Checkpoint?.Invoke();
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Checkpoint?.Invoke();
            }
        }
    }

    /// <summary>
    /// Appends what the outbox has not yet had acknowledged, with the message ids it was first sent
    /// with (a retry stores nothing twice), and sends again, in the current epoch, what landed in an
    /// earlier epoch's drop after the commit that closed it.
    /// </summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _outbox.Where(e => e.Sequence is null).ToList())
        {
            entry.Sequence = await AppendAsync(entry.Drop, entry.Mls, entry.Id, cancellationToken).ConfigureAwait(false);
        }

        var late = _outbox.Where(e => e.Epoch < Group.Epoch && _closedAt.TryGetValue(e.Epoch, out var closedAt) && e.Sequence > closedAt).ToList();
        _outbox.RemoveAll(e => e.Epoch < Group.Epoch);
        foreach (var epoch in _closedAt.Keys.Where(k => !_outbox.Any(e => e.Epoch == k)).ToList())
        {
            _closedAt.Remove(epoch);
        }

        foreach (var entry in late)
        {
            if (!Group.IsActive)
            {
                break;
            }

            await SendInCurrentEpochAsync(entry.Content, append: true, cancellationToken).ConfigureAwait(false);
        }

        if (late.Count > 0 || _outbox.Count > 0)
        {
            Checkpoint?.Invoke();
        }
    }

    private async Task SendInCurrentEpochAsync(byte[] content, bool append, CancellationToken cancellationToken)
    {
        var mls = Group.Protect(content);

        // Checked before it enters the outbox: kept there (and in the saved state), it could never leave.
        if (mls.Length > Envelope.MaxPayload)
        {
            throw new ArgumentException($"The message is too large for one envelope ({mls.Length} bytes protected, at most {Envelope.MaxPayload}); send long texts as a file.", nameof(content));
        }

        var entry = new OutboxEntry(Group.Epoch, _drop, MessageId.NewRandom(), content, mls);
        _outbox.Add(entry);

        // The ratchet key is spent: the state that knows it goes to storage before the message leaves.
        Checkpoint?.Invoke();
        if (!append)
        {
            return;
        }

        entry.Sequence = await AppendAsync(entry.Drop, entry.Mls, entry.Id, cancellationToken).ConfigureAwait(false);
    }

    private bool Accept(FetchedEnvelope envelope)
    {
        if (Envelope.Open(envelope.Data) is not { Kind: EnvelopeKind.Mls } opened)
        {
            return false;
        }

        ProcessedMessage processed;
        try
        {
            processed = Group.Process(opened.Payload);
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException)
        {
            // A losing commit, a message of an epoch already closed, or garbage anyone could append.
            return false;
        }

        if (processed.Kind == ProcessedKind.Commit && processed.SenderLeaf == Group.OwnLeafIndex)
        {
            _ownCommitMerged = true;
            // Kept for delivery only when the caller (the node) tagged it with its recipients.
            if (_pendingWelcome is { Tag.Length: > 0 } welcome)
            {
                _welcomes.Add(welcome);
            }

            _pendingWelcome = null;
        }

        if (processed is { Kind: ProcessedKind.Application, ApplicationData: { } data, SenderLeaf: { } leaf }
            && CellContent.Parse(data) is { } content)
        {
            if (content is LeaveNotice)
            {
                _leaving.Add(CodeNameOf(leaf));
            }
            else
            {
                _inbox.Add(new CellMessage(CodeNameOf(leaf), content, processed.Epoch));
            }
        }

        return processed.Kind == ProcessedKind.Commit;
    }

    private async Task EnterEpochAsync(CancellationToken cancellationToken)
    {
        SetDrop();
        _position = 0;
        _leaving.RemoveWhere(n => TryLeafOf(n) is null);
        var (drop, readKey) = (_drop, _readKey!);
        await Outbox.RetryAsync(async () =>
        {
            await _transport.CreateDropAsync(drop, readKey, cancellationToken).ConfigureAwait(false);
            return true;
        }, RetryFor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current epoch's drop and read key, from the exporter (RFC 9420 §8.5): values only members can compute.</summary>
    private void SetDrop()
    {
        _drop = DropName.FromBytes(Exported(DropLabel, DropName.Size));
        _readKey?.Dispose();
        var seed = Exported(ReadKeyLabel, DropReadKey.Size);
        try
        {
            _readKey = DropReadKey.Import(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private byte[] Exported(string label, int length)
    {
        using var secret = Group.Export(label, [], length);
        return secret.Export();
    }

    /// <summary>Appends to a drop, retrying with the same message id until the relay acknowledges.</summary>
    private async Task<long> AppendAsync(DropName drop, byte[] mlsMessage, MessageId id, CancellationToken cancellationToken)
    {
        var envelope = Envelope.Seal(EnvelopeKind.Mls, mlsMessage);
        var receipt = await Outbox.RetryAsync(() => _transport.AppendAsync(drop, envelope, id, cancellationToken), RetryFor, cancellationToken).ConfigureAwait(false);
        return receipt.Seq;
    }

    private string CodeNameOf(uint leaf)
        => Group.Members.FirstOrDefault(m => m.LeafIndex == leaf) is { } member ? Encoding.UTF8.GetString(member.Identity) : $"leaf {leaf}";

    private uint? TryLeafOf(string codeName)
        => Group.Members.FirstOrDefault(m => Encoding.UTF8.GetString(m.Identity) == codeName)?.LeafIndex;

    private uint LeafOf(string codeName)
        => TryLeafOf(codeName) ?? throw new ArgumentException($"No member of the cell is called {codeName}.", nameof(codeName));

    /// <summary>A message this member protected: kept until its place in the epoch's order is known.</summary>
    private sealed class OutboxEntry(ulong epoch, DropName drop, MessageId id, byte[] content, byte[] mls)
    {
        public ulong Epoch { get; } = epoch;

        public DropName Drop { get; } = drop;

        public MessageId Id { get; } = id;

        public byte[] Content { get; } = content;

        public byte[] Mls { get; } = mls;

        /// <summary>The relay's sequence number, once it acknowledged the append.</summary>
        public long? Sequence { get; set; }
    }
}
