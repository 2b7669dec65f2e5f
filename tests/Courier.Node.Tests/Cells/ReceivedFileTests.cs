using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Storage;
using VaultStore = Courier.Node.Storage.Vault;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// A received file is written chunk by chunk to its place (never whole in memory): every size
/// around the chunk boundaries comes out byte for byte, chunks that arrive in any order and of
/// unequal sizes (not as Courier sends them) still make the file, and a missing chunk leaves no
/// file behind.
/// </summary>
public class ReceivedFileTests
{
    private const int Chunk = MessageService.FileChunkSize;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData((3 * Chunk) + 17)]
    [InlineData(4 * Chunk)]
    public async Task A_file_sent_through_a_cell_is_saved_byte_for_byte(int size)
    {
        using var nodes = new TestNodes();
        var (a, b) = await CellOfTwoAsync(nodes);

        var content = RandomNumberGenerator.GetBytes(size);
        var path = Path.Combine(nodes.Homes[0].Path, "plans.bin");
        await File.WriteAllBytesAsync(path, content);
        await a.SendFileAsync("north", path);
        var file = (await b.SyncAsync()).Received.Single();

        var saved = Path.Combine(nodes.Homes[1].Path, "saved.bin");
        b.SaveFile(file.Id, saved);
        Assert.Equal(content, await File.ReadAllBytesAsync(saved));
        Assert.Throws<IOException>(() => b.SaveFile(file.Id, saved));
        Assert.Equal(content, await File.ReadAllBytesAsync(saved));

        // The UI's download: the same bytes, straight from the vault.
        using var copy = new MemoryStream();
        Assert.Equal("plans.bin", b.CopyFile(file.Id, copy));
        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task A_file_arrives_whole_from_a_relay_whose_pages_hold_one_envelope()
    {
        // As through a mix (64 KiB a page): a read that checks the envelope at its position gets a
        // page of only that envelope, which once looked like messages deleted unread, and the
        // reader skipped the file (the demo over mixes lost it).
        using var nodes = new TestNodes(new InMemoryRelay { MaxFetchBytes = 1 });
        var (a, b) = await CellOfTwoAsync(nodes);
        await a.SendAsync("north", "first");
        Assert.Equal("first", Assert.Single((await b.SyncAsync()).Received).Text);

        for (var round = 0; round < 2; round++)
        {
            var content = RandomNumberGenerator.GetBytes((3 * Chunk) + 17);
            var path = Path.Combine(nodes.Homes[0].Path, $"plans-{round}.bin");
            await File.WriteAllBytesAsync(path, content);
            await a.SendFileAsync("north", path);
            var result = await b.SyncAsync();
            Assert.Empty(result.Notices);
            var saved = Path.Combine(nodes.Homes[1].Path, $"saved-{round}.bin");
            b.SaveFile(Assert.Single(result.Received).Id, saved);
            Assert.Equal(content, await File.ReadAllBytesAsync(saved));
        }
    }

    /// <summary>Starik (a) and Galya (b) in cell "north".</summary>
    private static async Task<(CourierNode A, CourierNode B)> CellOfTwoAsync(TestNodes nodes)
    {
        var (a, b) = (nodes.Create(), nodes.Create());
        await nodes.ConnectAsync(a, b, inviterName: "Starik", acceptorName: "Galya");
        a.CreateLayer("layer", [nodes.RelayUri]);
        await a.CreateCellAsync("north");
        await a.AddToCellAsync("north", ["Galya"]);
        await b.SyncAsync();
        return (a, b);
    }

    [Theory]
    [InlineData(new[] { 10, 20, 30 })]
    [InlineData(new[] { 10, 10, 30 })]
    [InlineData(new[] { 30, 10, 10, 5 })]
    public void Chunks_of_unequal_sizes_in_any_order_make_the_file_in_index_order(int[] sizes)
    {
        using var home = new TempHome();
        using var vault = VaultStore.Create(home.Path, "passphrase", TempHome.FastKdf);
        var chunks = sizes.Select((s, i) => new FileChunk("odd.bin", (uint)i, (uint)sizes.Length, RandomNumberGenerator.GetBytes(s))).ToList();
        var record = Receive(vault, chunks.AsEnumerable().Reverse());

        var path = Path.Combine(home.Path, "odd.bin");
        Save(vault, record, path);
        Assert.Equal(chunks.SelectMany(c => c.Data).ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_file_with_a_chunk_missing_is_refused_and_leaves_no_file()
    {
        using var home = new TempHome();
        using var vault = VaultStore.Create(home.Path, "passphrase", TempHome.FastKdf);
        var chunks = Enumerable.Range(0, 3).Select(i => new FileChunk("gap.bin", (uint)i, 3, RandomNumberGenerator.GetBytes(100))).ToList();
        var record = Receive(vault, chunks);
        using (var transaction = vault.Begin())
        {
            // One chunk record lost from the vault.
            transaction.Delete(vault.Find(VaultCollection.FileChunk, FileProgress.ChunkLookupName(record.ChunksKey!))[1].Id);
            transaction.Commit();
        }

        var path = Path.Combine(home.Path, "gap.bin");
        Assert.Throws<VaultCorruptedException>(() => Save(vault, record, path));
        Assert.False(File.Exists(path));
    }

    /// <summary>Stores chunks as a sync does, in the order given; returns the completed file's inbox record.</summary>
    private static InboxRecord Receive(VaultStore vault, IEnumerable<FileChunk> chunks)
    {
        var inbox = new InboxRepository(vault, TimeProvider.System);
        var cell = new CellRecord(VaultStore.NewId(), "north", "layer", "https://relay.example");
        using (var transaction = vault.Begin())
        {
            inbox.Store(transaction, cell, chunks.Select(c => new CellMessage("Starik", c, 1)).ToList());
            transaction.Commit();
        }

        return inbox.Load(cell.Id).Single();
    }

    private static void Save(VaultStore vault, InboxRecord record, string path)
    {
        var node = new NodeContext(vault, TestNodes.BaseOptions());
        new InboxService(node).SaveFile(Convert.ToHexStringLower(record.Id), path);
    }
}
