using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// Issue 12, must-hold 2: neither a stranger who knows a cell's drop nor the relay itself can wedge
/// the cell. (The real relay's refusals, trim included, are tested in Courier.Relay.Tests'
/// WriteAuthTests and end to end in WriteAuthEndToEndTests.)
/// </summary>
public class WedgeTests
{
    private const int Flood = 10_000;

    [Fact]
    public async Task A_stranger_who_knows_the_drop_appends_nothing_and_the_members_read_every_message_once()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya", "Volodya");
        var drop = cell["Starik"].Cell.CurrentDrop;
        var refused = 0;
        for (var i = 0; i < Flood; i++)
        {
            // Without the epoch's secrets the stranger signs with a key of its own (the relay would answer 401 bad_signature).
            using var key = DropAppendKey.Create();
            try
            {
                await relay.AppendAsync(drop, key, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small), MessageId.NewRandom(), default);
            }
            catch (RelayRejectedException)
            {
                refused++;
            }

            if (i % 2_500 == 0)
            {
                await cell.Values.ElementAt(i / 2_500 % 3).SendAsync(new TextContent($"during the flood {i}"));
            }
        }

        Assert.Equal(Flood, refused);
        Assert.Equal(4, relay.Appended.Count(a => a.Drop == drop));
        await ExchangeAndCheckAsync(cell, expectedFromFlood: 4);
        Assert.All(cell.Values, m => Assert.Empty(m.Cell.TakeNotices()));
    }

    [Fact]
    public async Task Junk_the_relay_puts_into_the_drop_is_skipped_said_once_per_sync_and_every_message_is_read_once()
    {
        // The relay writes into its own store without a key and past its quota (it could as well refuse
        // everything, which no one can prevent); what it must not achieve is a message read twice or lost, or a loop.
        var relay = new InMemoryRelay { MaxEnvelopesPerDrop = 3 * Flood };
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya", "Volodya");
        var drop = cell["Starik"].Cell.CurrentDrop;
        var epoch = cell["Starik"].Group.Epoch;
        for (var i = 0; i < Flood; i++)
        {
            relay.Insert(drop, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small));
            if (i % 2_500 == 0)
            {
                await cell.Values.ElementAt(i / 2_500 % 3).SendAsync(new TextContent($"during the flood {i}"));
            }
        }

        // The first sync reads past the junk, says so once, and moves the cell to a fresh drop (the old one is past RotateAt).
        var notices = new List<string>();
        foreach (var member in cell.Values)
        {
            await member.Cell.SyncAsync(TimeSpan.Zero, [], default);
            var said = member.Cell.TakeNotices();
            notices.AddRange(said);
            Assert.True(said.Count <= 1, string.Join(" | ", said));
        }

        Assert.Contains(notices, n => n.Contains("not sealed by a member", StringComparison.Ordinal));
        Assert.All(cell.Values, m => Assert.NotEqual(epoch, m.Group.Epoch));
        Assert.All(cell.Values, m => Assert.NotEqual(drop, m.Cell.CurrentDrop));
        await ExchangeAndCheckAsync(cell, expectedFromFlood: 4);

        // Nothing is said again for junk already read.
        Assert.All(cell.Values, m => Assert.Empty(m.Cell.TakeNotices()));
    }

    [Fact]
    public async Task A_message_the_relay_refuses_for_good_is_set_aside_said_once_and_read_once_in_the_next_epoch()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya");
        var (starik, galya) = (cell["Starik"], cell["Galya"]);
        var refusing = new RefusingRelay(relay) { Refuse = 1 };
        galya.Reopen(refusing);
        var epoch = galya.Group.Epoch;

        await galya.SendAsync(new TextContent("refused once"));
        Assert.Equal(epoch + 1, galya.Group.Epoch);
        var said = galya.Cell.TakeNotices();
        Assert.Contains("set aside", Assert.Single(said), StringComparison.Ordinal);
        Assert.Empty(galya.OutboxAtClose);
        Assert.Equal(["refused once"], (await starik.SyncAsync()).Select(m => ((TextContent)m.Content).Text));
        Assert.Empty(await starik.SyncAsync());
    }

    [Fact]
    public async Task A_relay_that_refuses_everything_fails_each_sync_once_and_the_queue_goes_out_once_it_relents()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya");
        var (starik, galya) = (cell["Starik"], cell["Galya"]);
        var refusing = new RefusingRelay(relay) { Refuse = int.MaxValue };
        galya.Reopen(refusing);

        await Assert.ThrowsAsync<RelayRejectedException>(() => galya.SendAsync(new TextContent("first")));
        var entry = Assert.Single(galya.Store.Outbox);
        Assert.True(entry.Refused);
        var refusals = refusing.Refusals;

        // Each sync tries once to move to a fresh drop, is refused once, and returns: no retry loop.
        for (var i = 0; i < 3; i++)
        {
            galya.Reopen(refusing);
            await Assert.ThrowsAsync<RelayRejectedException>(() => galya.SyncAsync());
            Assert.Equal(refusals + i + 1, refusing.Refusals);
        }

        refusing.Refuse = 0;
        galya.Reopen(refusing);
        await galya.SyncAsync();
        await galya.SendAsync(new TextContent("second"));
        Assert.Empty(galya.OutboxAtClose);
        Assert.Equal(["first", "second"], (await starik.SyncAsync()).Select(m => ((TextContent)m.Content).Text));
    }

    [Fact]
    public async Task Sync_says_once_how_many_envelopes_of_a_cell_did_not_open()
    {
        using var nodes = new TestNodes();
        var (ivan, anna) = (nodes.Create(), nodes.Create());
        await nodes.ConnectAsync(ivan, anna, acceptorName: "Anna");
        ivan.CreateLayer("near", [nodes.RelayUri]);
        await ivan.CreateCellAsync("near-1");
        await ivan.AddToCellAsync("near-1", ["Anna"]);
        Assert.Equal(["near-1"], (await anna.SyncAsync()).Contacts.JoinedCells);
        var drop = await ivan.InspectCellAsync("near-1", cell => cell.CurrentDrop);
        for (var i = 0; i < 3; i++)
        {
            nodes.Relay.Insert(drop, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small));
        }

        await ivan.SendAsync("near-1", "after the junk");
        var first = await anna.SyncAsync();
        Assert.Equal(["after the junk"], first.Received.Select(m => m.Text));
        Assert.Contains("3 envelope(s)", Assert.Single(first.Problems), StringComparison.Ordinal);
        Assert.Empty((await anna.SyncAsync()).Problems);
    }

    /// <summary>Every member sends, every member syncs: each reads each other member's messages exactly once, the flood's included.</summary>
    private static async Task ExchangeAndCheckAsync(Dictionary<string, CellMember> cell, int expectedFromFlood)
    {
        foreach (var (name, member) in cell)
        {
            await member.SendAsync(new TextContent($"after the flood from {name}"));
        }

        var read = new List<string>();
        foreach (var member in cell.Values)
        {
            // What arrived during the flood and the sends above, and what this sync reads.
            var texts = (await member.SyncAsync()).Select(m => ((TextContent)m.Content).Text).ToList();
            Assert.Equal(texts.Count, texts.Distinct().Count());
            Assert.Equal(cell.Count - 1, texts.Count(t => t.StartsWith("after the flood", StringComparison.Ordinal)));
            read.AddRange(texts.Where(t => t.StartsWith("during", StringComparison.Ordinal)));
        }

        // Each message sent during the flood is read by the two other members.
        Assert.Equal(expectedFromFlood * (cell.Count - 1), read.Count);
        Assert.Equal(expectedFromFlood, read.Distinct().Count());
    }

    /// <summary>A relay that refuses the next <see cref="Refuse"/> appends for good, as a relay answers 409 or 401.</summary>
    private sealed class RefusingRelay(InMemoryRelay inner) : DelegatingRelay(inner)
    {
        public int Refuse { get; set; }

        public int Refusals { get; private set; }

        public override Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        {
            if (Refuse > 0)
            {
                Refuse--;
                Refusals++;
                throw new RelayRejectedException("The relay refused the request (409 drop_full).");
            }

            return Inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
        }
    }
}
