using Courier.Node.Relay;
using Courier.Node.Storage;

namespace Courier.Node.Load;

/// <summary>
/// A cell of <see cref="CourierNode"/>s, each member with its own vault in its own home: every call
/// of the node's API that the load makes is in this file.
/// </summary>
internal sealed class NodeCell : IBenchCell
{
    private const string CellName = "load";
    private const string Passphrase = "load passphrase";

    // Argon2id at its cheapest, as the tests use (TempHome.FastKdf): vault opening is not what is measured.
    private static readonly NodeOptions Options = new() { Kdf = new VaultKdfParameters(VaultKdfParameters.MinMemoryKiB, 1), FirstContactTimeout = TimeSpan.FromMinutes(2) };

    private readonly List<CourierNode> _nodes;

    private NodeCell(List<CourierNode> nodes) => _nodes = nodes;

    public int Members => _nodes.Count;

    /// <summary>
    /// Member 0 founds the cell: makes first contact with each other member (one at a time: a node
    /// runs one operation at a time), adds them in commits of <paramref name="addBatch"/>, and each
    /// member syncs to join (members are separate nodes, so they join concurrently).
    /// </summary>
    public static async Task<NodeCell> CreateAsync(Uri relayAddress, string root, int members, int addBatch, Action<string> progress)
    {
        var nodes = new CourierNode[members];
        Parallel.For(0, members, i => nodes[i] = CourierNode.Init(Path.Combine(root, $"home-{i:D3}"), Passphrase, Options));
        var cell = new NodeCell([.. nodes]);
        try
        {
            var founder = nodes[0];
            for (var i = 1; i < members; i++)
            {
                using var invitation = await founder.InviteAsync(relayAddress, codeName: "founder");
                var accepted = nodes[i].AcceptAsync(relayAddress, invitation.Code, ContactName(i));
                await invitation.CompleteAsync();
                await accepted;
                if (i % 10 == 0 || i == members - 1)
                {
                    progress($"first contact {i}/{members - 1}");
                }
            }

            founder.CreateLayer("load layer", [relayAddress]);
            await founder.CreateCellAsync(CellName);
            var others = Enumerable.Range(1, members - 1).ToList();
            foreach (var batch in others.Chunk(addBatch))
            {
                await founder.AddToCellAsync(CellName, batch.Select(ContactName).ToList());
                progress($"added members {batch[0]}..{batch[^1]}");
            }

            var joined = 0;
            await Parallel.ForEachAsync(others, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            {
                var result = await nodes[i].SyncAsync();
                if (!result.Contacts.JoinedCells.Contains(CellName) || result.Problems.Count > 0)
                {
                    throw new InvalidOperationException($"member {i} did not join: {string.Join("; ", result.Problems)}");
                }

                // Again, so that commits after its Welcome are behind it before anything is timed.
                await nodes[i].SyncAsync();
                if (Interlocked.Increment(ref joined) % 20 == 0)
                {
                    progress($"joined {joined}/{members - 1}");
                }
            });
            await founder.SyncAsync();
            if (founder.Describe(CellName).Members.Count != members)
            {
                throw new InvalidOperationException($"the cell has {founder.Describe(CellName).Members.Count} members, not {members}");
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
            await _nodes[0].SendAsync(CellName, text);
        }
    }

    public async Task<IReadOnlyList<string>> SyncAsync(int member)
    {
        var result = await _nodes[member].SyncAsync();
        return result.Problems.Count > 0
            ? throw new InvalidOperationException(string.Join("; ", result.Problems))
            : result.Received.Select(m => m.Text ?? string.Empty).ToList();
    }

    public Task SendFileAsync(string path, byte[] content) => _nodes[1].SendFileAsync(CellName, path);

    public async Task<Func<byte[]>> ReceiveFileAsync(string directory)
    {
        var result = await _nodes[2].SyncAsync();
        var file = result.Received.Single(m => m.FileName is not null);
        var saved = Path.Combine(directory, "received.bin");
        _nodes[2].SaveFile(file.Id, saved);
        return () => File.ReadAllBytes(saved);
    }

    public void Dispose() => _nodes.ForEach(n => n?.Dispose());

    /// <summary>The name the founder knows member <paramref name="i"/> by.</summary>
    private static string ContactName(int i) => $"member {i:D3}";
}
