using System.Text;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Storage;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Introductions;

/// <summary>
/// The relay, or anyone who can append to a drop, replays old envelopes (issue 12, "must hold" 6):
/// every kind of pairwise message appended again, and an introduction sent again, change nothing
/// and are reported as nothing new.
/// </summary>
public class ReplayTests
{
    [Fact]
    public async Task Every_pairwise_message_appended_again_changes_nothing_and_nothing_is_new()
    {
        using var nodes = new TestNodes();
        var (ivan, anna, boris) = (nodes.Create(), nodes.Create(), nodes.Create());
        await nodes.ConnectAsync(ivan, anna, inviterName: "Starik", acceptorName: "Anna");
        await nodes.ConnectAsync(ivan, boris, inviterName: "Uncle", acceptorName: "Boris");

        // An introduction to Anna and Boris, a Welcome to Anna, and Anna's fresh KeyPackage back to Ivan.
        await ivan.IntroduceAsync("Anna", "Boris");
        await anna.ReceiveAsync();
        Assert.Single((await boris.ReceiveAsync()).Added);
        Assert.Single((await anna.ReceiveAsync()).Added);
        ivan.CreateLayer("layer", [nodes.RelayUri]);
        await ivan.CreateCellAsync("north");
        await ivan.AddToCellAsync("north", ["Anna"]);
        Assert.Equal(["north"], (await anna.SyncAsync()).Contacts.JoinedCells);
        await ivan.SyncAsync();
        await anna.SendAsync("north", "once");
        Assert.Single((await ivan.SyncAsync()).Received);

        var all = new[] { ivan, anna, boris };
        var before = all.Select(State).ToList();
        var replayed = new Dictionary<CourierNode, int>();
        var kinds = new HashSet<PairwiseMessageType>();
        foreach (var (drop, envelope) in nodes.Relay.Appended.DistinctBy(a => Convert.ToHexString(a.Envelope)))
        {
            // Sealed: only the contact whose drop it is opens it; cell envelopes open for no contact.
            var (node, opened) = all.SelectMany(n => n.Contacts.Select(c => (Node: n, Contact: c)))
                .Select(c =>
                {
                    using var record = c.Node.FindRecord(c.Contact.Id);
                    return (c.Node, Opened: drop.Bytes.SequenceEqual(record.OurDrop) ? PairwiseChannel.TryOpen(record, envelope) : null);
                })
                .SingleOrDefault(c => c.Opened is not null);
            if (opened is null)
            {
                continue;
            }

            kinds.Add(opened!.Value.Type);
            replayed[node] = replayed.GetValueOrDefault(node) + 1;
            nodes.Relay.Insert(drop, envelope);
        }

        Assert.Equal([PairwiseMessageType.Introduction, PairwiseMessageType.Welcome, PairwiseMessageType.KeyPackage], kinds.Order());
        foreach (var node in all)
        {
            var result = await node.SyncAsync();
            Assert.Empty(result.Problems);
            Assert.Empty(result.Received);
            Assert.Empty(result.Contacts.Added);
            Assert.Empty(result.Contacts.JoinedCells);
            Assert.Equal(0, result.Contacts.PendingIntroductions);
            Assert.Equal(replayed.GetValueOrDefault(node), result.Contacts.Rejected.Count);
            Assert.All(result.Contacts.Rejected, r => Assert.Contains("repeated a message already received", r, StringComparison.Ordinal));
        }

        Assert.Equal(before, all.Select(State).ToList());
    }

    [Fact]
    public async Task An_introduction_sent_again_under_a_fresh_number_is_used_once_while_pending_and_after()
    {
        using var nodes = new TestNodes();
        var (ivan, anna, boris) = (nodes.Create(), nodes.Create(), nodes.Create());
        var (annaAtIvan, ivanAtAnna) = await nodes.ConnectAsync(ivan, anna, inviterName: "Starik", acceptorName: "Anna");
        await nodes.ConnectAsync(ivan, boris, inviterName: "Uncle", acceptorName: "Boris");
        await ivan.IntroduceAsync("Anna", "Boris");

        // The statement as Anna's drop holds it, to be sent again as Ivan would: a new envelope, the next number.
        byte[] statement;
        using (var atAnna = anna.FindRecord(ivanAtAnna.Id))
        {
            var (drop, envelope) = nodes.Relay.Appended.Single(a => a.Drop.Bytes.SequenceEqual(atAnna.OurDrop));
            statement = PairwiseChannel.TryOpen(atAnna, envelope)!.Value.Body;
        }

        async Task SendAgainAsync()
        {
            using var toAnna = ivan.FindRecord(annaAtIvan.Id);
            toAnna.LastSent++;
            new ContactRepository(ivan.Vault).Put(toAnna);
            await PairwiseChannel.AppendAsync(nodes.Relay, toAnna, PairwiseChannel.Seal(toAnna, toAnna.LastSent, PairwiseMessageType.Introduction, statement), MessageId.NewRandom(), default);
        }

        Assert.Equal(1, (await anna.ReceiveAsync()).PendingIntroductions);
        await SendAgainAsync();
        var whilePending = await anna.ReceiveAsync();
        Assert.Equal(1, whilePending.PendingIntroductions);
        Assert.Contains("already been received", Assert.Single(whilePending.Rejected), StringComparison.Ordinal);
        Assert.Single(anna.Vault.List(VaultCollection.PendingIntroduction));

        Assert.Single((await boris.ReceiveAsync()).Added);
        Assert.Single((await anna.ReceiveAsync()).Added);
        Assert.Equal(2, anna.Contacts.Count);

        await SendAgainAsync();
        var after = await anna.ReceiveAsync();
        Assert.Empty(after.Added);
        Assert.Equal(0, after.PendingIntroductions);
        Assert.Contains("already been received", Assert.Single(after.Rejected), StringComparison.Ordinal);
        Assert.Equal(2, anna.Contacts.Count);
        Assert.Empty(anna.Vault.List(VaultCollection.PendingIntroduction));
        Assert.Empty((await anna.ReceiveAsync()).Added);
    }

    [Fact]
    public void The_window_takes_each_number_once_tolerates_reordering_and_refuses_what_is_too_old()
    {
        var window = ReplayWindow.Empty;
        Assert.Null(window.Accept(0));
        Assert.Null(window.Accept(-1));
        foreach (var sequence in new long[] { 1, 3, 2, 70, 10 })
        {
            window = window.Accept(sequence) ?? throw new InvalidOperationException($"{sequence} was refused");
            Assert.Null(window.Accept(sequence));
        }

        Assert.Equal(70, window.Highest);
        Assert.Null(window.Accept(3));
        Assert.Null(window.Accept(6));
        Assert.NotNull(window.Accept(7));
        Assert.NotNull(window.Accept(69));
        Assert.NotNull(window.Accept(1000));
    }

    /// <summary>
    /// The window's bitmap is a u64 on both sides: once the 64th number below the highest was seen
    /// (the top bit set) the contact record still stores and reads back, where an i64 field threw
    /// OverflowException on both (found by fuzzing, tools/Courier.Fuzz/crashes/vault-records/contact-window-top-bit).
    /// </summary>
    [Fact]
    public async Task A_window_with_its_oldest_bit_set_is_stored_and_read_back()
    {
        using var nodes = new TestNodes();
        var (a, b) = (nodes.Create(), nodes.Create());
        await nodes.ConnectAsync(a, b, inviterName: "Starik", acceptorName: "Galya");
        using var record = a.FindRecord("Galya");
        record.Received = new ReplayWindow(100, ulong.MaxValue);
        using var decoded = ContactRecord.Decode(record.Id, record.Encode());
        Assert.Equal(record.Received, decoded.Received);
    }

    /// <summary>Everything a replay could change: contacts with their KeyPackages, bundles and windows, pending and used introductions, cells, the inbox.</summary>
    private static string State(CourierNode node)
    {
        var state = new StringBuilder();
        foreach (var contact in node.Contacts)
        {
            using var record = node.FindRecord(contact.Id);
            state.AppendLine($"{contact} {record.Received} {record.LastSent}")
                .AppendLine(string.Join(",", record.TheirKeyPackages.Select(Convert.ToHexString)))
                .AppendLine(string.Join(",", record.OurBundles.Select(b => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(b)))));
        }

        state.AppendLine($"pending {node.Vault.List(VaultCollection.PendingIntroduction).Count} used {node.Vault.List(VaultCollection.UsedIntroduction).Count}");
        foreach (var cell in node.Cells)
        {
            state.AppendLine($"{cell.Name} {string.Join(",", cell.Members)} {cell.IsMember}");
        }

        return state.AppendLine(string.Join(",", node.Inbox().Select(m => m.Id))).ToString();
    }
}
