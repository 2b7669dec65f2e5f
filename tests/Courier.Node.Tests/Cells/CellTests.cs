using Courier.Node.Cells;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

public class CellTests
{
    [Fact]
    public async Task A_cell_of_five_delivers_to_every_member_and_to_nobody_else()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya", "Volodya", "Nadya");
        var other = await people.CellAsync("Ilya", "Boris");

        await cell["Galya"].SendAsync(new TextContent("greetings from Galya"));
        foreach (var member in new[] { "Starik", "Alyosha", "Volodya", "Nadya" })
        {
            var received = await cell[member].SyncAsync();
            Assert.Equal(new TextContent("greetings from Galya"), Assert.Single(received).Content);
            Assert.Equal("Galya", received[0].Sender);
        }

        // Members of another cell hold no key that opens any of the cell's envelopes, nor the MLS messages inside.
        var opened = 0;
        foreach (var envelope in relay.Observed)
        {
            Assert.Null(other["Ilya"].Cell.Open(envelope));
            if (cell["Starik"].Cell.Open(envelope) is (_, var payload))
            {
                opened++;
                Assert.ThrowsAny<Exception>(() => other["Ilya"].Group.Process(payload));
            }
        }

        Assert.True(opened > 0);

        Assert.Empty(await other["Boris"].SyncAsync());
    }

    [Fact]
    public async Task A_message_rewrites_ratchet_records_not_the_group_epoch_state_and_survives_a_reopen()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Galya"].SendAsync(new TextContent("first"));
        await cell["Starik"].SyncAsync();
        var galyaState = cell["Galya"].Store.Group;
        var starikState = cell["Starik"].Store.Group;

        await cell["Galya"].SendAsync(new TextContent("second"));
        Assert.Equal("second", ((TextContent)Assert.Single(await cell["Starik"].SyncAsync()).Content).Text);
        Assert.Same(galyaState, cell["Galya"].Store.Group);
        Assert.Same(starikState, cell["Starik"].Store.Group);
        Assert.Contains(cell["Galya"].Store.GroupRecords, r => r.Key[0] == 0x03);

        // Reopened from the epoch state and the records, both continue where they stopped.
        cell["Galya"].Reopen();
        cell["Starik"].Reopen();
        await cell["Galya"].SendAsync(new TextContent("third"));
        Assert.Equal("third", ((TextContent)Assert.Single(await cell["Starik"].SyncAsync()).Content).Text);
    }

    [Fact]
    public async Task Every_epoch_has_its_own_drop_and_a_removed_member_cannot_read_on()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        var dropBefore = cell["Galya"].Cell.CurrentDrop;

        await cell["Starik"].ChangeMembersAsync([], ["Galya"]);
        await cell["Alyosha"].SyncAsync();
        await cell["Galya"].SyncAsync();
        Assert.False(cell["Galya"].Group.IsActive);
        Assert.NotEqual(dropBefore, cell["Alyosha"].Cell.CurrentDrop);

        await cell["Alyosha"].SendAsync(new TextContent("without Galya"));
        Assert.Equal("Alyosha", Assert.Single(await cell["Starik"].SyncAsync()).Sender);
        Assert.Empty(await cell["Galya"].SyncAsync());
    }

    [Fact]
    public async Task A_member_offline_for_twenty_epochs_catches_up()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        for (var i = 0; i < 20; i++)
        {
            var committer = i % 2 == 0 ? "Starik" : "Alyosha";
            await cell[committer == "Starik" ? "Alyosha" : "Starik"].SyncAsync();
            await cell[committer].UpdateKeysAsync();
            await cell[committer].SendAsync(new TextContent($"epoch {i}"));
        }

        // The last of the 20 commits was Alyosha's.
        var received = await cell["Galya"].SyncAsync();
        Assert.Equal(20, received.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => new TextContent($"epoch {i}")), received.Select(m => m.Content));
        Assert.Equal(cell["Alyosha"].Group.Epoch, cell["Galya"].Group.Epoch);
        Assert.Equal(cell["Alyosha"].Group.EpochAuthenticator(), cell["Galya"].Group.EpochAuthenticator());
    }

    [Fact]
    public async Task Concurrent_commits_resolve_without_a_fork_and_a_late_message_is_sent_again()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya", "Volodya");
        var oldDrop = cell["Alyosha"].Cell.CurrentDrop;

        // Alyosha commits in the same epoch as Starik, but the drop orders Starik's commit first.
        var losing = cell["Alyosha"].Group.Commit();
        await cell["Starik"].UpdateKeysAsync();
        relay.Insert(oldDrop, cell["Alyosha"].Cell.Seal(losing.Commit));

        // Galya writes before she has seen either commit: her message lands after Starik's in the old drop.
        await cell["Galya"].Cell.SendWithoutFetchAsync(new TextContent("written in the old epoch"), default);

        await cell["Alyosha"].SyncAsync();
        await cell["Galya"].SyncAsync();
        Assert.False(cell["Alyosha"].Group.HasPendingCommit);
        // Galya sent her message again in the new epoch: every other member reads it exactly once.
        foreach (var name in new[] { "Starik", "Alyosha", "Volodya" })
        {
            var received = await cell[name].SyncAsync();
            Assert.Single(received, m => m.Content == new TextContent("written in the old epoch"));
            Assert.Equal(cell["Starik"].Group.EpochAuthenticator(), cell[name].Group.EpochAuthenticator());
        }

        // Alyosha's change is not lost: it commits again, and everyone follows.
        await cell["Alyosha"].UpdateKeysAsync();
        await cell["Volodya"].SyncAsync();
        Assert.Equal(cell["Alyosha"].Group.EpochAuthenticator(), cell["Volodya"].Group.EpochAuthenticator());
    }

    [Fact]
    public async Task A_message_too_large_for_an_envelope_is_refused_before_it_spends_a_key_or_enters_the_outbox()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha");
        await Assert.ThrowsAsync<MessageTooLargeException>(() => cell["Starik"].SendAsync(new TextContent(new string('x', 70_000))));
        // Nothing oversize entered the outbox; the stored state reopens and sends on.
        Assert.Empty(cell["Starik"].Store.Outbox);
        cell["Starik"].Reopen();
        await cell["Starik"].SendAsync(new TextContent("short"));
        Assert.Equal("short", ((TextContent)Assert.Single(await cell["Alyosha"].SyncAsync()).Content).Text);
    }

    [Fact]
    public async Task A_send_is_one_write_and_a_crash_before_its_settlement_was_written_loses_nothing_and_duplicates_nothing()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya");
        var (starik, galya) = (cell["Starik"], cell["Galya"]);
        var writes = galya.Store.Writes;
        var texts = new[] { "one", "two", "three" };
        foreach (var text in texts)
        {
            await galya.SendAsync(new TextContent(text));
        }

        // One write per message (the ratchet and the outbox entry), which also records where the
        // previous message landed; the last one's place waits.
        Assert.Equal(writes + texts.Length, galya.Store.Writes);
        Assert.Single(galya.Store.Outbox);
        var (appended, stored) = (relay.Appended.Count, relay.DropContents.Sum(d => d.Count));

        galya.Crash();
        await galya.SyncAsync();

        // Appended again with the same ids, stored once, read once, and settled.
        Assert.Equal(appended + 1, relay.Appended.Count);
        Assert.Equal(stored, relay.DropContents.Sum(d => d.Count));
        Assert.Equal(texts, (await starik.SyncAsync()).Select(m => ((TextContent)m.Content).Text));
        Assert.Empty(await starik.SyncAsync());
        Assert.Empty(galya.OutboxAtClose);
    }
}
