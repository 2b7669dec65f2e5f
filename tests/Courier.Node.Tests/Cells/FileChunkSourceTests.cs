using Courier.Node.Cells;
using Courier.Node.Storage;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>A file chunk's outbox entry holds a reference to the file, read again only for a late chunk, and checked.</summary>
public sealed class FileChunkSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void An_outbox_entry_of_a_file_chunk_keeps_a_reference_that_reads_back_the_chunk_and_not_a_changed_one()
    {
        var (chunk, path) = Chunk("report.pdf", 1000);
        var envelope = System.Security.Cryptography.RandomNumberGenerator.GetBytes(EnvelopeSizes.Small);
        var entry = new OutboxEntry(3, 7, DropName.FromBytes(new byte[DropName.Size]), MessageId.NewRandom(), null, chunk.Source, envelope);
        var stored = entry.Encode();
        Assert.True(stored.Length < 300 + EnvelopeSizes.Small, $"the record holds {stored.Length} bytes: the chunk's bytes are not in it");

        var decoded = OutboxEntry.Decode(stored);
        Assert.Equal(chunk.ToBytes(), decoded.Content);
        Assert.Equal(envelope, decoded.Envelope);

        var bytes = File.ReadAllBytes(path);
        bytes[1500] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Null(decoded.Content);
        File.Delete(path);
        Assert.Null(decoded.Content);
    }

    [Fact]
    public void A_record_with_a_chunk_outside_any_file_is_refused()
    {
        var (chunk, _) = Chunk("a", 10);
        var entry = new OutboxEntry(0, 0, DropName.FromBytes(new byte[DropName.Size]), MessageId.NewRandom(), null, chunk.Source! with { Offset = -1 }, new byte[EnvelopeSizes.Small]);
        Assert.Throws<MalformedRecordException>(() => OutboxEntry.Decode(entry.Encode()));
        var unknown = new OutboxEntry(0, 0, DropName.FromBytes(new byte[DropName.Size]), MessageId.NewRandom(), [9], null, new byte[EnvelopeSizes.Small]).Encode();
        unknown[1 + 8 + 8 + DropName.Size + MessageId.Size] = 7;
        Assert.Throws<MalformedRecordException>(() => OutboxEntry.Decode(unknown));
        var oddSize = new OutboxEntry(0, 0, DropName.FromBytes(new byte[DropName.Size]), MessageId.NewRandom(), [9], null, new byte[EnvelopeSizes.Small - 1]).Encode();
        Assert.Throws<MalformedRecordException>(() => OutboxEntry.Decode(oddSize));
    }

    [Fact]
    public async Task A_late_chunk_is_read_again_from_its_file_and_a_changed_file_is_reported_once_and_sends_nothing_wrong()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya", "Volodya");
        var (kept, _) = Chunk("kept.bin", 3000);
        var (changed, changedPath) = Chunk("changed.bin", 3000);

        // Galya writes both chunks before she has seen Starik's commit: they land late, in the old drop.
        await cell["Starik"].UpdateKeysAsync();
        await cell["Galya"].Cell.SendWithoutFetchAsync(kept, default);
        await cell["Galya"].Cell.SendWithoutFetchAsync(changed, default);
        File.WriteAllBytes(changedPath, new byte[4000]);

        var error = await Assert.ThrowsAsync<FileChangedException>(() => cell["Galya"].SyncAsync());
        Assert.Contains("changed.bin", error.Message, StringComparison.Ordinal);
        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.DoesNotContain(cell["Galya"].OutboxAtClose, e => e.Source?.Name == "changed.bin");

        foreach (var name in new[] { "Starik", "Volodya" })
        {
            var received = (await cell[name].SyncAsync()).Select(m => m.Content).OfType<FileChunk>().ToList();
            var chunk = Assert.Single(received);
            Assert.Equal("kept.bin", chunk.Name);
            Assert.Equal(kept.Data, chunk.Data);
        }
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Chunk 0 of 2 of a new file, read from byte 1000 on, as the node reads files it sends.</summary>
    private (FileChunk Chunk, string Path) Chunk(string name, int length)
    {
        var path = Path.Combine(_dir.Path, name);
        var bytes = new byte[1000 + length];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var chunk = new FileChunk(name, 0, 2, bytes[1000..]);
        return (chunk with { Source = FileChunkSource.Of(chunk, path, 1000) }, path);
    }
}
