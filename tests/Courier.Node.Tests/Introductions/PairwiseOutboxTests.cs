using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Introductions;

/// <summary>
/// Issue 12, "Welcomes and contacts": a cell's Welcome goes through the pairwise outbox (sealed once,
/// kept until the relay took it, said once while the contact's drop is deleted), and a refusal other
/// than a deleted drop is said once, not every sync.
/// </summary>
public class PairwiseOutboxTests
{
    [Fact]
    public async Task A_Welcome_to_a_deleted_drop_is_sealed_once_said_once_and_delivered_once_the_reader_synced()
    {
        using var nodes = new TestNodes();
        var (ivan, anna) = (nodes.Create(), nodes.Create());
        var (annaAtIvan, ivanAtAnna) = await nodes.ConnectAsync(ivan, anna, inviterName: "Starik", acceptorName: "Anna");
        using (var record = anna.FindRecord(ivanAtAnna.Id))
        {
            nodes.Relay.Forget(DropName.FromBytes(record.OurDrop));
        }

        ivan.CreateLayer("north", [nodes.RelayUri]);
        await ivan.CreateCellAsync("north-1");
        var said = await ivan.AddToCellAsync("north-1", ["Anna"]);
        Assert.Contains("A message to \"Anna\" waits: the relay had deleted the drop", Assert.Single(said), StringComparison.Ordinal);
        Assert.Equal(["welcome Anna waiting"], ivan.Outbox.Select(i => $"{i.Kind} {i.Name} {i.State}"));
        var (waiting, sent) = (Assert.Single(Waiting(ivan)), LastSent(ivan, annaAtIvan));

        // Syncs before Anna is back: the same sealed bytes wait, under the same number, and nothing more is said.
        for (var i = 0; i < 2; i++)
        {
            var early = await ivan.SyncAsync();
            Assert.Empty(early.Notices);
            Assert.Empty(early.Problems);
            var still = Assert.Single(Waiting(ivan));
            Assert.Equal(waiting.Id, still.Id);
            Assert.Equal(waiting.Envelope, still.Envelope);
            Assert.Equal(sent, LastSent(ivan, annaAtIvan));
        }

        // Anna syncs (her drop is created again), then Ivan: delivered, said once; Anna joins.
        Assert.Single((await anna.SyncAsync()).Notices);
        Assert.Contains("that waited was delivered", Assert.Single((await ivan.SyncAsync()).Notices), StringComparison.Ordinal);
        Assert.Empty(ivan.Outbox);
        Assert.Equal(["north-1"], (await anna.SyncAsync()).Contacts.JoinedCells);
        Assert.Single(nodes.Relay.Appended, a => a.Envelope.AsSpan().SequenceEqual(waiting.Envelope));
        await ivan.SendAsync("north-1", "welcome");
        Assert.Equal(["welcome"], (await anna.SyncAsync()).Received.Select(m => m.Text));
    }

    [Fact]
    public async Task A_refused_pairwise_message_is_said_once_retried_without_a_word_and_delivered_when_the_relay_relents()
    {
        var memory = new InMemoryRelay();
        var relay = new RefusingRelay(memory);
        using var nodes = new TestNodes(memory);
        NodeOptions Options() => TestNodes.BaseOptions(relay: relay);
        var (ivan, anna) = (nodes.Create(Options()), nodes.Create(Options()));
        var (_, ivanAtAnna) = await nodes.ConnectAsync(ivan, anna, inviterName: "Starik", acceptorName: "Anna");
        using (var record = anna.FindRecord(ivanAtAnna.Id))
        {
            relay.Refused = DropName.FromBytes(record.OurDrop);
        }

        ivan.CreateLayer("north", [nodes.RelayUri]);
        await ivan.CreateCellAsync("north-1");
        var said = Assert.Single(await ivan.AddToCellAsync("north-1", ["Anna"]));
        Assert.Contains("A message to \"Anna\" waits: the relay refused it (drop_full)", said, StringComparison.Ordinal);
        Assert.Contains("ask them to sync", said, StringComparison.Ordinal);

        // Every later sync tries it again and says nothing more, also after a restart.
        for (var i = 0; i < 2; i++)
        {
            var again = await ivan.SyncAsync();
            Assert.Empty(again.Notices);
            Assert.Empty(again.Problems);
            Assert.Equal(["welcome Anna waiting"], ivan.Outbox.Select(o => $"{o.Kind} {o.Name} {o.State}"));
        }

        var refusals = relay.Refusals;
        var home = ivan.Home;
        nodes.Close(ivan);
        ivan = nodes.Reopen(home, Options());
        Assert.Empty((await ivan.SyncAsync()).Notices);
        Assert.True(relay.Refusals > refusals, "the message was not tried again");

        // The relay relents: delivered, said once, and Anna joins.
        relay.Refused = null;
        Assert.Contains("that waited was delivered", Assert.Single((await ivan.SyncAsync()).Notices), StringComparison.Ordinal);
        Assert.Empty(ivan.Outbox);
        Assert.Equal(["north-1"], (await anna.SyncAsync()).Contacts.JoinedCells);
    }

    private static List<PairwiseOutboxEntry> Waiting(CourierNode node) => node.Vault.ReadAll(VaultCollection.PairwiseOutbox, PairwiseOutboxEntry.Decode);

    private static long LastSent(CourierNode node, Contact contact)
    {
        using var record = node.FindRecord(contact.Id);
        return record.LastSent;
    }

    /// <summary>Refuses every append to one drop as full (as a relay would with its quota reached), counting the refusals.</summary>
    private sealed class RefusingRelay(IRelay inner) : DelegatingRelay(inner)
    {
        public DropName? Refused { get; set; }

        public int Refusals { get; private set; }

        public override Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        {
            if (Refused is { } refused && drop.Bytes.SequenceEqual(refused.Bytes))
            {
                Refusals++;
                throw new RelayRejectedException("The relay refused the request (507 drop_full).", "drop_full");
            }

            return base.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
        }
    }
}
