using System.Security.Cryptography;
using System.Text;
using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
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
/// Not thread-safe.
/// </remarks>
public sealed class Cell : IDisposable
{
    /// <summary>How often a commit is retried when other members' commits win the epoch.</summary>
    public const int CommitAttempts = 8;

    private const string DropLabel = "courier cell drop";
    private const string ReadKeyLabel = "courier cell drop read key";

    private readonly IDropTransport _transport;
    private readonly List<SentMessage> _sent = [];

    // What was received while syncing for another reason (before a send or a commit), for the next SyncAsync.
    private readonly List<CellMessage> _inbox = [];
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
    /// returns the Welcome for the added members once the commit has won its epoch.
    /// </summary>
    public async Task<byte[]?> ChangeMembersAsync(IReadOnlyList<byte[]> add, IReadOnlyList<string> remove, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < CommitAttempts; attempt++)
        {
            await FetchAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            var leaves = remove.Select(LeafOf).ToList();
            var result = Group.Commit(addKeyPackages: add, removeLeaves: leaves);
            await AppendAsync(result.Commit, cancellationToken).ConfigureAwait(false);
            _ownCommitMerged = false;
            await FetchAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (_ownCommitMerged)
            {
                return result.Welcome;
            }

            // Another member's commit came first in the drop: propose the change again in the new epoch.
            Group.DiscardPendingCommit();
        }

        throw new InvalidOperationException($"The commit lost {CommitAttempts} epochs in a row to other members' commits.");
    }

    /// <summary>Commits an update of this member's keys: post-compromise security for it.</summary>
    public Task UpdateKeysAsync(CancellationToken cancellationToken = default) => ChangeMembersAsync([], [], cancellationToken);

    /// <summary>Sends content to the cell; returns once the relay acknowledged it.</summary>
    public Task SendAsync(CellContent content, CancellationToken cancellationToken = default) => SendAsync(content, syncFirst: true, cancellationToken);

    /// <summary>Sends; without <paramref name="syncFirst"/>, as a member that has not yet seen the latest commit would (tests).</summary>
    internal async Task SendAsync(CellContent content, bool syncFirst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (syncFirst)
        {
            await FetchAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }

        var sent = new SentMessage(content, Group.Epoch);
        sent.Sequence = await AppendAsync(Group.Protect(content.ToBytes()), cancellationToken).ConfigureAwait(false);
        _sent.Add(sent);
    }

    /// <summary>
    /// Fetches and processes what the cell's drops hold, following commits into new epochs, and
    /// returns every message received since the last call, each once. <paramref name="wait"/>
    /// long-polls for the first envelope.
    /// </summary>
    public async Task<IReadOnlyList<CellMessage>> SyncAsync(TimeSpan wait = default, CancellationToken cancellationToken = default)
    {
        await FetchAsync(wait, cancellationToken).ConfigureAwait(false);
        var received = _inbox.ToList();
        _inbox.Clear();
        return received;
    }

    private async Task FetchAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var received = _inbox;
        while (true)
        {
            var readKey = _readKey!;
            var (drop, position, pollFor) = (_drop, _position, wait);
            var batch = await Outbox.RetryAsync(() => _transport.FetchAsync(drop, readKey, position, pollFor, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (batch.Envelopes.Count == 0)
            {
                break;
            }

            wait = TimeSpan.Zero;
            var epochBefore = Group.Epoch;
            foreach (var envelope in batch.Envelopes)
            {
                _position = envelope.Seq;
                if (Accept(envelope, received) && Group.Epoch != epochBefore)
                {
                    await ClosedEpochAsync(epochBefore, envelope.Seq, cancellationToken).ConfigureAwait(false);
                    break;
                }
            }

            if (!Group.IsActive)
            {
                break;
            }
        }
    }

    /// <summary>Wipes the cell's secrets.</summary>
    public void Dispose()
    {
        _readKey?.Dispose();
        Group.Dispose();
    }

    private bool Accept(FetchedEnvelope envelope, List<CellMessage> received)
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
        }

        if (processed is { Kind: ProcessedKind.Application, ApplicationData: { } data, SenderLeaf: { } leaf }
            && CellContent.Parse(data) is { } content)
        {
            received.Add(new CellMessage(CodeNameOf(leaf), content, processed.Epoch));
        }

        return processed.Kind == ProcessedKind.Commit;
    }

    /// <summary>
    /// A commit at <paramref name="commitSequence"/> closed <paramref name="epoch"/>: move to the new
    /// epoch's drop, and send again what this member sent after that commit in the old drop.
    /// </summary>
    private async Task ClosedEpochAsync(ulong epoch, long commitSequence, CancellationToken cancellationToken)
    {
        if (!Group.IsActive)
        {
            return;
        }

        await EnterEpochAsync(cancellationToken).ConfigureAwait(false);
        var late = _sent.Where(s => s.Epoch == epoch && s.Sequence > commitSequence).ToList();
        _sent.RemoveAll(s => s.Epoch <= epoch);
        foreach (var message in late)
        {
            var again = new SentMessage(message.Content, Group.Epoch);
            again.Sequence = await AppendAsync(Group.Protect(message.Content.ToBytes()), cancellationToken).ConfigureAwait(false);
            _sent.Add(again);
        }
    }

    private async Task EnterEpochAsync(CancellationToken cancellationToken)
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

        _position = 0;
        var (drop, readKey) = (_drop, _readKey);
        await Outbox.RetryAsync(async () =>
        {
            await _transport.CreateDropAsync(drop, readKey, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 9420 §8.5: a value of this epoch that only members can compute.</summary>
    private byte[] Exported(string label, int length)
    {
        using var secret = Group.Export(label, [], length);
        return secret.Export();
    }

    /// <summary>Appends to the current drop, retrying with the same message id until the relay acknowledges.</summary>
    private async Task<long> AppendAsync(byte[] mlsMessage, CancellationToken cancellationToken)
    {
        var envelope = Envelope.Seal(EnvelopeKind.Mls, mlsMessage);
        var id = MessageId.NewRandom();
        var drop = _drop;
        var receipt = await Outbox.RetryAsync(() => _transport.AppendAsync(drop, envelope, id, cancellationToken), cancellationToken).ConfigureAwait(false);
        return receipt.Seq;
    }

    private string CodeNameOf(uint leaf)
        => Group.Members.FirstOrDefault(m => m.LeafIndex == leaf) is { } member ? Encoding.UTF8.GetString(member.Identity) : $"leaf {leaf}";

    private uint LeafOf(string codeName)
        => Group.Members.FirstOrDefault(m => Encoding.UTF8.GetString(m.Identity) == codeName)?.LeafIndex
           ?? throw new ArgumentException($"No member of the cell is called {codeName}.", nameof(codeName));

    private sealed class SentMessage(CellContent content, ulong epoch)
    {
        public CellContent Content { get; } = content;

        public ulong Epoch { get; } = epoch;

        public long Sequence { get; set; }
    }
}
