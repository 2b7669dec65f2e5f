using Courier.Node;
using Courier.Relay.Client;

namespace Courier.EndToEnd.Tests;

/// <summary>
/// Issue 12, must-hold 3 for contacts, against a relay process with a retention of seconds, with the
/// SQLite and the NATS store: a contact's pairwise drop that retention emptied (with NATS its
/// numbering restarts) and then deleted as idle while its reader was away still carries every later
/// message, each read exactly once, and the deletion is said once.
/// </summary>
public sealed class ContactDropRecoveryTests : ShortRetentionTests
{
    [Fact]
    public Task With_the_sqlite_store_a_contact_drop_emptied_and_deleted_by_retention_still_carries_every_message_once()
        => WithRelayAsync(nats: false, RunAsync);

    [NatsFact]
    public Task With_the_nats_store_a_contact_drop_emptied_and_deleted_by_retention_still_carries_every_message_once()
        => WithRelayAsync(nats: true, RunAsync);

    private async Task RunAsync(RelayProcess relay)
    {
        var options = new NodeOptions { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1) };
        var (ivan, anna, boris, carl, dasha) = (Nodes.Create(options), Nodes.Create(options), Nodes.Create(options), Nodes.Create(options), Nodes.Create(options));
        await TestNodes.ContactAsync(relay.Address, ivan, anna, "Anna");
        var ivanAtAnna = Assert.Single(anna.Contacts).Id;
        await TestNodes.ContactAsync(relay.Address, ivan, boris, "Boris");
        await TestNodes.ContactAsync(relay.Address, ivan, carl, "Carl");
        await TestNodes.ContactAsync(relay.Address, ivan, dasha, "Dasha");
        Assert.Equal("Boris", await IntroduceAsync(ivan, anna, boris, "Boris"));
        using (var record = anna.FindRecord(ivanAtAnna))
        {
            Assert.True(record.OurDropCursor > 0);
        }

        // Retention empties every drop while everyone keeps reading (so none is idle): with NATS,
        // Anna's drop numbers from 1 again, below her cursor. Nothing is said and nothing read twice.
        var everyone = new[] { ivan, anna, boris, carl, dasha };
        await RetentionProbe.WaitAsync(relay.Address, Retention, () => ReadAllAsync(everyone));
        await ReadAllAsync(everyone);
        Assert.Equal("Carl", await IntroduceAsync(ivan, anna, carl, "Carl"));

        // Anna goes away; her drop stays unused past the retention period and the relay deletes it.
        // Once she is back she creates it again (and those of her two new contacts) and is told once
        // for each; what Ivan sends next reaches her once.
        await WaitUntilDeletedAsIdleAsync(relay.Address, [ivan, boris, carl, dasha]);
        var back = await anna.ReceiveAsync();
        Assert.Equal(3, back.Notices.Count);
        Assert.All(back.Notices, n => Assert.Contains("had deleted the drop where", n, StringComparison.Ordinal));
        Assert.All(anna.Contacts, c => Assert.Single(back.Notices, n => n.Contains($"\"{c.Name}\"", StringComparison.Ordinal)));
        Assert.Empty(back.Rejected);
        Assert.Empty(back.Added);
        var again = await anna.SyncAsync();
        Assert.Empty(again.Notices);
        Assert.Empty(again.Problems);
        Assert.Equal("Dasha", await IntroduceAsync(ivan, anna, dasha, "Dasha"));
        Assert.Equal(4, anna.Contacts.Count);
        Assert.Empty((await anna.ReceiveAsync()).Rejected);
    }

    /// <summary>Ivan introduces Anna to <paramref name="other"/>; both receive until Anna added them, each message once.</summary>
    private static async Task<string?> IntroduceAsync(CourierNode ivan, CourierNode anna, CourierNode other, string otherName)
    {
        await ivan.IntroduceAsync("Anna", otherName);
        var first = await anna.ReceiveAsync();
        Assert.Empty(first.Rejected);
        Assert.Empty(first.Notices);
        Assert.Equal(1, first.PendingIntroductions);
        Assert.Single((await other.ReceiveAsync()).Added);
        var second = await anna.ReceiveAsync();
        Assert.Empty(second.Rejected);
        Assert.Empty(second.Notices);
        return Assert.Single(second.Added).IntroducedAs;
    }

    /// <summary>
    /// The other nodes keep reading while the relay's sweep deletes idle drops: probes created now, one
    /// looked at per round (a look is a use), show when a drop left alone since now was deleted.
    /// </summary>
    private static async Task WaitUntilDeletedAsIdleAsync(Uri relay, CourierNode[] reading)
    {
        using var http = new HttpClient { BaseAddress = relay, Timeout = TimeSpan.FromSeconds(20) };
        var client = new RelayClient(http);
        var probes = Enumerable.Range(0, 100).Select(_ => (Name: DropName.NewRandom(), Key: DropReadKey.Create())).ToList();
        try
        {
            foreach (var (name, key) in probes)
            {
                // Each holds an envelope as young as the last one in Anna's drops: a drop that holds one is not idle.
                using var appendKey = DropAppendKey.Create();
                await client.CreateDropAsync(name, key, appendKey);
                await client.AppendAsync(name, appendKey, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
            }

            foreach (var (name, key) in probes)
            {
                await ReadAllAsync(reading);
                try
                {
                    await client.FetchAsync(name, key, 0);
                }
                catch (RelayRequestException e) when (e.Error == "no_such_drop")
                {
                    return;
                }
            }

            Assert.Fail("the relay did not delete an idle drop");
        }
        finally
        {
            probes.ForEach(p => p.Key.Dispose());
        }
    }

    /// <summary>Each node reads its contacts' drops, then a pause of 1 s (a round must stay well within the retention period, or the readers' own drops go idle).</summary>
    private static async Task ReadAllAsync(CourierNode[] reading)
    {
        foreach (var node in reading)
        {
            var result = await node.ReceiveAsync();
            Assert.Empty(result.Rejected);
            Assert.Empty(result.Notices);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }
}
