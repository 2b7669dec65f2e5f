using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Relay;

namespace Courier.Node.Load;

/// <summary>
/// A cell of bare <see cref="Cell"/> objects (the library path: no vault, no contacts) over the same
/// relay: every call of the Cell API that the load makes is in this file.
/// </summary>
internal sealed class LibraryCell : IBenchCell
{
    private static readonly CellSettings Settings = new(TimeSpan.FromSeconds(30), TimeProvider.System);

    private readonly List<(Cell Cell, MemoryStore Store)> _cells = [];
    private readonly HttpRelay _relay;

    private LibraryCell(HttpRelay relay) => _relay = relay;

    public int Members => _cells.Count;

    /// <summary>Member 0 creates the cell and adds the others in commits of <paramref name="addBatch"/> (as the node does); each joins from its Welcome.</summary>
    public static async Task<LibraryCell> CreateAsync(Uri relayAddress, int members, int addBatch, Action<string> progress)
    {
        var relay = new HttpRelay(relayAddress);
        var bundles = Enumerable.Range(0, members).Select(i =>
        {
            using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
            return KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, Encoding.UTF8.GetBytes($"member {i}"), signer, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
        }).ToList();
        var cell = new LibraryCell(relay);
        try
        {
            var founder = new MemoryStore();
            cell._cells.Add((await Cell.CreateAsync(bundles[0], relay, founder, Settings, default), founder));
            foreach (var batch in Enumerable.Range(1, members - 1).Chunk(addBatch))
            {
                await cell._cells[0].Cell.ChangeMembersAsync(batch.Select(i => bundles[i].KeyPackageBytes).ToList(), [], default);
                var welcome = founder.Welcome ?? throw new InvalidOperationException("the add commit brought no Welcome");
                foreach (var i in batch)
                {
                    var store = new MemoryStore();
                    cell._cells.Add((await Cell.JoinAsync(welcome, bundles[i], relay, store, Settings, default), store));
                }

                progress($"library: added members {batch[0]}..{batch[^1]}");
            }

            // Every member follows the commits after its Welcome before anything is timed.
            foreach (var (member, store) in cell._cells)
            {
                await member.SyncAsync(TimeSpan.Zero, [], default);
                store.Received.Clear();
            }

            return cell;
        }
        catch
        {
            cell.Dispose();
            throw;
        }
    }

    public async Task SendTextsAsync(IReadOnlyList<string> texts)
    {
        foreach (var text in texts)
        {
            await _cells[0].Cell.SendAsync([new TextContent(text)], null, [], default);
        }
    }

    public async Task<IReadOnlyList<string>> SyncAsync(int member)
        => (await ReceivedAsync(member)).Select(m => m.Content is TextContent t ? t.Text : string.Empty).ToList();

    /// <summary>In chunks of the node's size (<see cref="CourierNode.FileChunkSize"/>), each one envelope, in one send as the node does.</summary>
    public Task SendFileAsync(string path, byte[] content)
    {
        var chunks = content.Chunk(CourierNode.FileChunkSize).ToList();
        return _cells[1].Cell.SendAsync(chunks.Select((c, i) => (CellContent)new FileChunk("load.bin", (uint)i, (uint)chunks.Count, c)), null, [], default);
    }

    public async Task<Func<byte[]>> ReceiveFileAsync(string directory)
    {
        var file = (await ReceivedAsync(2)).Select(m => (FileChunk)m.Content).OrderBy(c => c.Index).SelectMany(c => c.Data).ToArray();
        return () => file;
    }

    public void Dispose()
    {
        _cells.ForEach(c => c.Cell.Dispose());
        _relay.Dispose();
    }

    /// <summary>What arrived since the last call, during sends too (as the node's inbox would hold it).</summary>
    private async Task<List<CellMessage>> ReceivedAsync(int member)
    {
        var (cell, store) = _cells[member];
        await cell.SyncAsync(TimeSpan.Zero, [], default);
        var received = store.Received.ToList();
        store.Received.Clear();
        return received;
    }

    /// <summary>The library path keeps nothing: only what a caller reads back (messages, the last merged Welcome).</summary>
    private sealed class MemoryStore : ICellStore
    {
        private byte[]? _pending;

        public List<CellMessage> Received { get; } = [];

        public byte[]? Welcome { get; private set; }

        public void Write(CellChange change)
        {
            Received.AddRange(change.Received);
            _pending = change.CommitCreated ?? _pending;
            if (change.CommitMerged is true)
            {
                Welcome = _pending;
            }
        }
    }
}
