using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// A member away longer than the relay's retention (the in-memory relay deletes every envelope, as
/// retention does; with <c>restartNumbering</c> as the NATS store does) is told it fell behind,
/// rejoins by external commit, reads what follows, and its outbox is delivered; a removed member and
/// strangers cannot use the same path (issue 12, must-hold 3).
/// </summary>
public class FallBehindTests
{
    private static readonly CellSettings CheckEverySync = new(TimeSpan.FromSeconds(1), TimeProvider.System) { RejoinCheck = TimeSpan.Zero };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_away_past_retention_rejoins_reads_what_follows_and_its_outbox_is_delivered(bool restartNumbering)
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay, CheckEverySync);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Galya"].SendAsync(new TextContent("before"));
        await cell["Starik"].SyncAsync();
        await cell["Alyosha"].SyncAsync();

        // Starik's commit closes the epoch; Alyosha follows. Galya, not having read it, writes into the old epoch and goes away.
        await cell["Starik"].UpdateKeysAsync();
        await cell["Starik"].SendAsync(new TextContent("first of the new epoch"));
        Assert.Single(await cell["Alyosha"].SyncAsync());
        await cell["Galya"].Cell.SendWithoutFetchAsync(new TextContent("written before going away"), default);

        // And one more that never left: the relay was out of her reach.
        relay.Unreachable = true;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => cell["Galya"].SendAsync(new TextContent("queued while out of reach")));
        relay.Unreachable = false;
        var queued = Assert.Single(cell["Galya"].Store.Outbox, e => e.Sequence is null).Envelope!;
        await cell["Starik"].SendAsync(new TextContent("while Galya was away"));

        // Retention deletes everything, read or not.
        relay.ExpireAll(restartNumbering);

        // Starik finds the rejoin drop empty and puts this epoch's GroupInfo back (with NATS he cannot
        // tell whether he had read all of his drop, and says so).
        await cell["Starik"].SyncAsync();
        Assert.Equal(restartNumbering ? 1 : 0, cell["Starik"].Cell.TakeGapNotices().Count);

        // Alyosha missed a message but no commit: told, and reads on without rejoining.
        var epoch = cell["Starik"].Group.Epoch;
        Assert.Empty(await cell["Alyosha"].SyncAsync());
        Assert.Contains("The relay deleted messages of this cell", Assert.Single(cell["Alyosha"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        Assert.Equal(epoch, cell["Alyosha"].Group.Epoch);

        // Galya comes back: told she fell behind, rejoins, and her unsent message goes out in the new epoch.
        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.Contains("fell behind; it rejoined", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        Assert.Equal(epoch + 1, cell["Galya"].Group.Epoch);
        Assert.DoesNotContain(cell["Galya"].Store.Outbox, e => e.Epoch < cell["Galya"].Group.Epoch);

        await cell["Starik"].SendAsync(new TextContent("after Galya rejoined"));
        foreach (var name in new[] { "Starik", "Alyosha" })
        {
            var received = await cell[name].SyncAsync();
            Assert.Single(received, m => m.Content == new TextContent("written before going away") && m.Sender == "Galya");
            Assert.Single(received, m => m.Content == new TextContent("queued while out of reach") && m.Sender == "Galya");
            Assert.Equal(cell["Galya"].Group.EpochAuthenticator(), cell[name].Group.EpochAuthenticator());
            Assert.Equal(["Alyosha", "Galya", "Starik"], cell[name].Cell.Members.Order(StringComparer.Ordinal));
        }

        // What waited went out protected again in the new epoch, never as the old epoch's ciphertext.
        Assert.DoesNotContain(relay.Appended, a => a.Envelope.AsSpan().SequenceEqual(queued));

        var galya = await cell["Galya"].SyncAsync();
        Assert.Equal(new TextContent("after Galya rejoined"), Assert.Single(galya).Content);
        Assert.Empty(cell["Galya"].Store.Outbox);

        // The rejoined state was stored whole: a restart continues from it.
        cell["Galya"].Reopen();
        await cell["Alyosha"].SendAsync(new TextContent("after a restart"));
        Assert.Equal(new TextContent("after a restart"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
    }

    [Fact]
    public async Task A_rejoin_record_too_large_for_one_envelope_is_split_and_a_member_away_rejoins_from_its_parts()
    {
        // A cell of three with envelopes lowered to 600 bytes stands for a cell of hundreds in 64 KiB envelopes.
        var relay = new InMemoryRelay();
        using var people = new People(relay, CheckEverySync with { RejoinEnvelopeContent = 600 });
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Starik"].SendAsync(new TextContent("before"));
        await cell["Alyosha"].SyncAsync();
        await cell["Galya"].SyncAsync();

        // Galya goes away; the cell moves on, and retention deletes everything.
        await cell["Starik"].UpdateKeysAsync();
        await cell["Alyosha"].SyncAsync();
        await cell["Starik"].SendAsync(new TextContent("while Galya was away"));
        relay.ExpireAll();

        // Starik puts the record back, in parts: none fits one envelope.
        await cell["Starik"].SyncAsync();
        using (var rejoin = cell["Starik"].RejoinDrop())
        {
            var kinds = (await relay.FetchAsync(rejoin.Name, rejoin.ReadKey, 0, TimeSpan.Zero, default)).Envelopes.Select(e => rejoin.TryOpen(e.Data)!.Value.Kind).ToList();
            Assert.True(kinds.Count >= 2, $"{kinds.Count} part(s)");
            Assert.All(kinds, k => Assert.Equal(RejoinParts.Kind, k));
        }

        // Galya is told, rejoins from the parts, and reads what follows.
        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.Contains("fell behind; it rejoined", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        Assert.Equal(cell["Starik"].Group.Epoch + 1, cell["Galya"].Group.Epoch);
        await cell["Starik"].SendAsync(new TextContent("after Galya rejoined"));
        Assert.Equal(new TextContent("after Galya rejoined"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
        Assert.Equal(cell["Starik"].Group.EpochAuthenticator(), cell["Galya"].Group.EpochAuthenticator());
        Assert.Empty(cell["Galya"].Cell.TakeGapNotices());
    }

    [Fact]
    public async Task A_rejoin_record_past_the_limit_of_parts_is_not_published_and_the_member_is_told_without_a_loop()
    {
        // 13 bytes an envelope: one byte a part, so the record of a cell of four needs more than RejoinParts.MaxParts.
        var relay = new InMemoryRelay();
        using var people = new People(relay, CheckEverySync with { RejoinEnvelopeContent = 13 });
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya", "Volodya");
        await cell["Starik"].SendAsync(new TextContent("before"));
        await cell["Galya"].SyncAsync();
        await cell["Starik"].UpdateKeysAsync();
        relay.ExpireAll();
        await cell["Starik"].SyncAsync();
        using (var rejoin = cell["Starik"].RejoinDrop())
        {
            // Nothing was ever published under this rejoin secret, so its drop was never even created.
            var none = await Assert.ThrowsAsync<RelayRejectedException>(() => relay.FetchAsync(rejoin.Name, rejoin.ReadKey, 0, TimeSpan.Zero, default));
            Assert.Equal("no_such_drop", none.RelayError);
        }

        // Galya finds the gap and, once her window of checks closes (at once here), still no record: told in
        // plain words that she must be added again; each sync returns, nothing more is said.
        var behind = cell["Galya"].Group.Epoch;
        Assert.Empty(await cell["Galya"].SyncAsync());
        var told = cell["Galya"].Cell.TakeGapNotices();
        Assert.Equal(2, told.Count);
        Assert.Contains(told, n => n.Contains("deleted messages of this cell before this node read them", StringComparison.Ordinal));
        Assert.Contains(told, n => n.Contains("ask a member to remove you and add you again", StringComparison.Ordinal));
        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.Empty(cell["Galya"].Cell.TakeGapNotices());
        Assert.Equal(behind, cell["Galya"].Group.Epoch);
    }

    [Fact]
    public async Task A_member_that_finds_no_rejoin_information_is_told_and_rejoins_once_a_member_put_it_back()
    {
        var relay = new InMemoryRelay();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var people = new People(relay, new CellSettings(TimeSpan.FromSeconds(10), clock));
        var cell = await people.CellAsync("Starik", "Galya");
        await cell["Starik"].SendAsync(new TextContent("one"));
        await cell["Galya"].SyncAsync();
        await cell["Starik"].UpdateKeysAsync();
        clock.Advance(TimeSpan.FromHours(2));
        relay.ExpireAll();

        // Nobody put the GroupInfo back yet (members check daily): Galya is told what she lost, in plain words.
        Assert.Empty(await cell["Galya"].SyncAsync());
        var notice = Assert.Single(cell["Galya"].Cell.TakeGapNotices());
        Assert.Contains("deleted messages of this cell before this node read them", notice, StringComparison.Ordinal);
        Assert.DoesNotContain(cell["Galya"].Cell.CurrentDrop.ToString(), notice, StringComparison.Ordinal);
        var behind = cell["Galya"].Group.Epoch;
        Assert.Equal(behind + 1, cell["Starik"].Group.Epoch);

        // Later that day Starik's daily check puts this epoch's GroupInfo back; Galya, still checking
        // on every sync since the gap, finds the cell moved on and rejoins.
        clock.Advance(TimeSpan.FromHours(23));
        await cell["Starik"].SyncAsync();
        await cell["Galya"].SyncAsync();
        Assert.Contains("it rejoined the cell", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        await cell["Starik"].SendAsync(new TextContent("two"));
        Assert.Equal(new TextContent("two"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
        Assert.Equal(cell["Starik"].Group.EpochAuthenticator(), cell["Galya"].Group.EpochAuthenticator());
    }

    [Fact]
    public async Task A_removed_member_that_was_away_cannot_rejoin()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay, CheckEverySync);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Starik"].SendAsync(new TextContent("one"));
        await cell["Galya"].SyncAsync();
        await cell["Alyosha"].SyncAsync();
        var galyaDrop = cell["Galya"].Cell.CurrentDrop;
        var galyaSecret = cell["Galya"].Store.Cursor.RejoinSecret;

        // Galya is removed while away; the cell moves on and publishes its GroupInfo each epoch.
        await cell["Starik"].ChangeMembersAsync([], ["Galya"]);
        await cell["Alyosha"].SyncAsync();
        await cell["Starik"].UpdateKeysAsync();
        await cell["Alyosha"].SyncAsync();
        await cell["Starik"].SendAsync(new TextContent("after Galya left"));
        var epoch = cell["Starik"].Group.Epoch;

        // The commit that removed her expires before she reads it; she looks for a way back and finds none:
        // the rejoin secret changed with her removal, and what her old one names holds no later epoch.
        relay.Expire(galyaDrop);
        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.Contains("deleted messages", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        Assert.NotEqual(galyaSecret, cell["Starik"].Store.Cursor.RejoinSecret);
        Assert.Equal(epoch, cell["Starik"].Group.Epoch);
        Assert.Empty(await cell["Starik"].SyncAsync());
        Assert.Equal(new TextContent("after Galya left"), Assert.Single(await cell["Alyosha"].SyncAsync()).Content);
        Assert.Equal(["Alyosha", "Starik"], cell["Starik"].Cell.Members.Order(StringComparer.Ordinal));
        Assert.Equal(epoch, cell["Alyosha"].Group.Epoch);
    }

    [Fact]
    public async Task An_external_commit_that_adds_a_stranger_or_replaces_a_member_is_ignored()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        var epoch = cell["Starik"].Group.Epoch;
        var galyaLeaf = cell["Galya"].Group.OwnLeafIndex;

        // A stranger who got a GroupInfo (and the drop's keys) joins by external commit: ignored.
        using var strangerSigner = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var stranger = KeyPackageBundle.Generate(People.Suite, "Stranger"u8, strangerSigner, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
        var strangerCommit = MlsGroup.JoinExternally(cell["Starik"].Group.GroupInfo(), stranger, SystemRandom.Instance, TimeProvider.System);
        strangerCommit.Group.Dispose();
        relay.Insert(cell["Starik"].Cell.CurrentDrop, cell["Starik"].Cell.Seal(strangerCommit.Commit));

        // Alyosha takes Galya's place by name with a key of her own (a resync that is not Galya's): ignored.
        using var forgerSigner = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var forged = KeyPackageBundle.Generate(People.Suite, "Galya"u8, forgerSigner, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
        var impersonation = MlsGroup.JoinExternally(cell["Alyosha"].Group.GroupInfo(), forged, SystemRandom.Instance, TimeProvider.System, new ExternalJoinOptions { RemovePriorLeaf = galyaLeaf });
        impersonation.Group.Dispose();
        relay.Insert(cell["Starik"].Cell.CurrentDrop, cell["Starik"].Cell.Seal(impersonation.Commit));

        await cell["Alyosha"].SendAsync(new TextContent("still us"));
        foreach (var name in new[] { "Starik", "Galya" })
        {
            Assert.Equal(new TextContent("still us"), Assert.Single(await cell[name].SyncAsync()).Content);
            Assert.Equal(epoch, cell[name].Group.Epoch);
            Assert.Equal(["Alyosha", "Galya", "Starik"], cell[name].Cell.Members.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_drop_the_relay_lost_is_said_created_again_and_the_cell_goes_on()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya");
        await cell["Starik"].SendAsync(new TextContent("one"));
        Assert.Single(await cell["Galya"].SyncAsync());
        relay.Forget(cell["Galya"].Cell.CurrentDrop);

        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.Contains("The relay deleted messages of this cell", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        await cell["Starik"].SendAsync(new TextContent("two"));
        Assert.Equal(new TextContent("two"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
    }

    [Fact]
    public async Task A_drop_renumbered_past_the_readers_position_is_caught_at_the_fetch_and_nothing_after_is_lost()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Galya");
        for (var i = 0; i < 3; i++)
        {
            await cell["Starik"].SendAsync(new TextContent($"old {i}"));
        }

        Assert.Equal(3, (await cell["Galya"].SyncAsync()).Count);

        // The drop expires whole and its numbering restarts (NATS); Starik sends six more, numbered 1 to 6:
        // the relay answers Galya's position (3) without out_of_range, and 4 to 6 look like what follows.
        relay.ExpireAll(restartNumbering: true);
        string[] sent = ["new 0", "new 1", "new 2", "new 3", "new 4", "new 5"];
        foreach (var text in sent)
        {
            await cell["Starik"].SendAsync(new TextContent(text));
        }

        // The envelope at her position is not the one she read there: she is told, reads the drop from its start, and misses nothing sent after.
        Assert.Equal(sent, (await cell["Galya"].SyncAsync()).Select(m => ((TextContent)m.Content).Text));
        Assert.Contains("some may not have reached this node", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);

        // And from then on, nothing more is said and nothing read twice, also after a restart (the digest is stored).
        cell["Galya"].Reopen();
        await cell["Starik"].SendAsync(new TextContent("after"));
        Assert.Equal(new TextContent("after"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
        Assert.Empty(cell["Galya"].Cell.TakeGapNotices());
    }
}
