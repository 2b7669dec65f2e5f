using Courier.Node.Cells;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>What a relay holds of a cell: sealed envelopes that share nothing across epochs, and an old outbox that is sealed on its way out.</summary>
public sealed class SealedCellTests
{
    [Fact]
    public async Task A_relay_holds_nothing_of_a_cell_that_links_its_epochs_or_shows_a_length()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        for (var epoch = 0; epoch < 4; epoch++)
        {
            await cell["Alyosha"].SendAsync(new TextContent($"note {epoch}"));
            await cell["Galya"].SendAsync(new TextContent($"note {epoch}"));
            await cell["Starik"].UpdateKeysAsync();
            foreach (var member in cell.Values)
            {
                await member.SyncAsync();
            }
        }

        var drops = relay.DropContents.Where(d => d.Count > 0).ToList();
        Assert.True(drops.Count >= 5, $"{drops.Count} drops hold envelopes");
        Assert.Null(RelayView.SharedAcross(drops));
        var envelopes = drops.SelectMany(d => d).ToList();
        Assert.All(envelopes, e => Assert.True(EnvelopeSizes.IsAllowed(e.Length)));
        Assert.DoesNotContain(envelopes, RelayView.EndsInZeros);

        // The group id, the same in every epoch of the cell and in every MLS header, appears nowhere.
        var groupId = cell["Starik"].Group.GroupId;
        Assert.All(envelopes, e => Assert.Equal(-1, e.AsSpan().IndexOf(groupId)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public async Task One_create_per_epoch_whatever_the_number_of_members(int members)
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync(Enumerable.Range(0, members).Select(i => $"member {i}").ToArray());
        foreach (var member in cell.Values)
        {
            await member.SyncAsync();
        }

        var before = relay.DropCreations;
        for (var epoch = 0; epoch < 3; epoch++)
        {
            await cell["member 1"].UpdateKeysAsync();
            foreach (var member in cell.Values)
            {
                await member.SyncAsync();
                await member.SendAsync(new TextContent("here"));
            }
        }

        Assert.Equal(3, relay.DropCreations - before);
        Assert.All(cell.Values, m => Assert.Equal(cell["member 0"].Group.Epoch, m.Group.Epoch));
    }

    [Fact]
    public async Task A_drop_its_committer_never_created_is_created_by_the_first_member_to_read_it()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya");

        // Starik's commit lands, but he stops before creating the next epoch's drop (it is appended by hand).
        var commit = cell["Starik"].Group.Commit();
        relay.Insert(cell["Starik"].Cell.CurrentDrop, cell["Starik"].Cell.Seal(commit.Commit));
        await cell["Galya"].SyncAsync();
        await cell["Galya"].SendAsync(new TextContent("still here"));
        var received = await cell["Starik"].SyncAsync();
        Assert.Equal(new TextContent("still here"), Assert.Single(received).Content);
        Assert.Equal(cell["Starik"].Group.Epoch, cell["Galya"].Group.Epoch);
    }

    [Fact]
    public async Task An_outbox_entry_of_the_version_before_sealed_envelopes_is_protected_and_sealed_again_and_read_once()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya");
        var galya = cell["Galya"];

        // As an older version stored it: version 2, the bare MLS message instead of a sealed envelope.
        var content = new TextContent("written before the upgrade");
        // (Today's record without what versions 4 and 5 added at its end: an empty append key seed, u32 length 0, the refusal mark, the time.)
        var stored = new OutboxEntry(0, galya.Group.Epoch, galya.Cell.CurrentDrop, MessageId.NewRandom(), content.ToBytes(), null, new byte[EnvelopeSizes.Small]).Encode()[..^13];
        stored[0] = 2;
        var unsealed = OutboxEntry.Decode(stored);
        Assert.Null(unsealed.Envelope);
        galya.Store.Write(new CellChange { Queued = [unsealed] });
        galya.Reopen();

        await galya.SyncAsync();
        Assert.Empty(galya.OutboxAtClose);
        var received = await cell["Starik"].SyncAsync();
        Assert.Equal([content], received.Select(m => m.Content));
        Assert.Empty(await cell["Starik"].SyncAsync());
    }
}
