using Courier.Relay.Client;

namespace Courier.Node.Tests.Introductions;

/// <summary>
/// A contact's pairwise drop is never trimmed, so the relay's retention empties it (issue 12,
/// "Nothing lost silently"): a NATS relay then restarts its numbering, and a drop left empty and
/// unused for the retention period is deleted. The reader recovers from both and loses nothing
/// sent after.
/// </summary>
public class ContactDropRecoveryTests
{
    [Fact]
    public async Task A_pairwise_drop_whose_numbering_restarted_is_read_again_from_the_start()
    {
        using var nodes = new TestNodes();
        var (ivan, anna, boris, carl, dasha, ivanAtAnna) = await IvanAndFourContactsAsync(nodes);
        await IntroduceAsync(ivan, anna, "Anna", boris, "Boris");
        await IntroduceAsync(ivan, anna, "Anna", carl, "Carl");

        using (var record = anna.FindRecord(ivanAtAnna.Id))
        {
            Assert.Equal(2, record.OurDropCursor);
        }

        // Every envelope expired and the drop numbers from 1 again: Anna's cursor (2) is beyond its last.
        nodes.Relay.ExpireAll(restartNumbering: true);
        var added = await IntroduceAsync(ivan, anna, "Anna", dasha, "Dasha");
        Assert.Equal("Dasha", added.IntroducedAs);
        using (var record = anna.FindRecord(ivanAtAnna.Id))
        {
            Assert.Equal(1, record.OurDropCursor);
        }
    }

    [Fact]
    public async Task A_pairwise_drop_renumbered_past_the_cursor_is_read_again_when_a_sequence_number_is_missing()
    {
        using var nodes = new TestNodes();
        var (ivan, anna, boris, carl, dasha, ivanAtAnna) = await IvanAndFourContactsAsync(nodes);
        await IntroduceAsync(ivan, anna, "Anna", boris, "Boris");

        // Renumbered from 1, and two messages appended before Anna reads: the second is at 2, after her
        // cursor (1), so the relay answers without out_of_range and only the gap in Ivan's numbers tells.
        nodes.Relay.ExpireAll(restartNumbering: true);
        await ivan.IntroduceAsync("Anna", "Carl");
        await ivan.IntroduceAsync("Anna", "Dasha");
        var read = await anna.ReceiveAsync();
        Assert.Empty(read.Rejected);
        Assert.Equal(2, read.PendingIntroductions);
        using var record = anna.FindRecord(ivanAtAnna.Id);
        Assert.Equal(2, record.OurDropCursor);
    }

    [Fact]
    public async Task A_pairwise_drop_the_relay_deleted_is_created_again_said_once_and_used_again()
    {
        using var nodes = new TestNodes();
        var (ivan, anna, boris, carl, _, ivanAtAnna) = await IvanAndFourContactsAsync(nodes);
        await IntroduceAsync(ivan, anna, "Anna", boris, "Boris");

        // Deleted as idle, with its keys: Ivan cannot append to it until Anna creates it again.
        using (var record = anna.FindRecord(ivanAtAnna.Id))
        {
            nodes.Relay.Forget(DropName.FromBytes(record.OurDrop));
        }

        var back = await anna.ReceiveAsync();
        Assert.Contains("had deleted the drop where \"Starik\" writes to this node", Assert.Single(back.Notices), StringComparison.Ordinal);
        Assert.Empty(back.Rejected);
        var again = await anna.SyncAsync();
        Assert.Empty(again.Notices);
        Assert.Empty(again.Problems);

        // Created again with the same append key: Ivan's next message reaches Anna.
        var added = await IntroduceAsync(ivan, anna, "Anna", carl, "Carl");
        Assert.Equal("Carl", added.IntroducedAs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_message_to_a_drop_the_relay_deleted_waits_in_the_outbox_and_is_read_once_after_its_reader_synced(bool restartBetween)
    {
        using var nodes = new TestNodes();
        var (ivan, anna, boris, _, _, ivanAtAnna) = await IvanAndFourContactsAsync(nodes);
        using (var record = anna.FindRecord(ivanAtAnna.Id))
        {
            nodes.Relay.Forget(DropName.FromBytes(record.OurDrop));
        }

        // Anna's drop is gone until she syncs: the statement for her waits, said in plain words; Boris's goes out.
        var appended = nodes.Relay.Appended.Count;
        var said = await ivan.IntroduceAsync("Anna", "Boris");
        var waits = Assert.Single(said);
        Assert.Contains("A message to \"Anna\" waits", waits, StringComparison.Ordinal);
        Assert.Equal(appended + 1, nodes.Relay.Appended.Count);
        Assert.Equal(["contact Anna waiting"], Waiting(ivan));
        Assert.Equal(1, (await boris.ReceiveAsync()).PendingIntroductions);

        if (restartBetween)
        {
            var home = ivan.Home;
            nodes.Close(ivan);
            ivan = nodes.Reopen(home);
            Assert.Equal(["contact Anna waiting"], Waiting(ivan));
        }

        // Ivan syncs before Anna is back: it still waits, and nothing more is said.
        var early = await ivan.SyncAsync();
        Assert.Empty(early.Notices);
        Assert.Empty(early.Problems);
        Assert.Equal(["contact Anna waiting"], Waiting(ivan));

        // Anna syncs (her drop is created again), then Ivan: delivered, said once.
        Assert.Single((await anna.SyncAsync()).Notices);
        var delivered = await ivan.SyncAsync();
        Assert.Contains("A message to \"Anna\" that waited was delivered", Assert.Single(delivered.Notices), StringComparison.Ordinal);
        Assert.Empty(ivan.Outbox);
        Assert.Empty((await ivan.SyncAsync()).Notices);

        // Anna reads it once, and the introduction completes (Boris answered long ago).
        var read = await anna.ReceiveAsync();
        Assert.Empty(read.Rejected);
        Assert.Equal("Boris", Assert.Single(read.Added).IntroducedAs);
        Assert.Single((await boris.ReceiveAsync()).Added);
        var again = await anna.ReceiveAsync();
        Assert.Empty(again.Rejected);
        Assert.Empty(again.Added);
        Assert.Equal(2, anna.Contacts.Count);
    }

    /// <summary>What waits in <paramref name="node"/>'s outbox, as kind, name and state.</summary>
    private static List<string> Waiting(CourierNode node) => node.Outbox.Select(i => $"{i.Kind} {i.Name} {i.State}").ToList();

    /// <summary>Ivan with four contacts, Anna, Boris, Carl and Dasha; Anna knows him as "Starik".</summary>
    private static async Task<(CourierNode Ivan, CourierNode Anna, CourierNode Boris, CourierNode Carl, CourierNode Dasha, Contact IvanAtAnna)> IvanAndFourContactsAsync(TestNodes nodes)
    {
        var (ivan, anna, boris, carl, dasha) = (nodes.Create(), nodes.Create(), nodes.Create(), nodes.Create(), nodes.Create());
        var (_, ivanAtAnna) = await nodes.ConnectAsync(ivan, anna, inviterName: "Starik", acceptorName: "Anna");
        await nodes.ConnectAsync(ivan, boris, inviterName: "Dyadya", acceptorName: "Boris");
        await nodes.ConnectAsync(ivan, carl, inviterName: "Kum", acceptorName: "Carl");
        await nodes.ConnectAsync(ivan, dasha, inviterName: "Svat", acceptorName: "Dasha");
        return (ivan, anna, boris, carl, dasha, ivanAtAnna);
    }

    /// <summary>Ivan introduces Anna to another contact of his; both sides receive until Anna has added them.</summary>
    private static async Task<Contact> IntroduceAsync(CourierNode ivan, CourierNode anna, string annaName, CourierNode other, string otherName)
    {
        await ivan.IntroduceAsync(annaName, otherName);
        var first = await anna.ReceiveAsync();
        Assert.Empty(first.Rejected);
        Assert.Empty(first.Notices);
        Assert.Equal(1, first.PendingIntroductions);
        Assert.Single((await other.ReceiveAsync()).Added);
        return Assert.Single((await anna.ReceiveAsync()).Added);
    }
}
