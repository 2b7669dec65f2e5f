using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// The rejoin drop (docs/cells.md, "Falling behind and rejoining") against those who do not hold the
/// cell's current rejoin secret: a stranger who learned its name, and a member removed from the cell
/// who kept the secret of before its removal. Neither can add to it, and the removed member cannot
/// open what it holds. With the in-memory relay and with a relay process. And its bound: a new drop
/// each period, so many commits between two changes of membership never fill one.
/// </summary>
public sealed class RejoinDropTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("courier-rejoin-drop-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Neither_a_stranger_nor_a_removed_member_can_append_to_the_rejoin_drop_or_open_its_records(bool relayProcess)
    {
        using var process = relayProcess ? await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _data, "--rate-limit", "0") : null;
        using var http = process is null ? null : new HttpRelay(process.Address);
        IRelay relay = http is null ? new InMemoryRelay() : http;
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Starik"].SendAsync(new TextContent("one"));
        await cell["Galya"].SyncAsync();
        var galyaSecret = (byte[])cell["Galya"].Store.Cursor.RejoinSecret.Clone();

        // Galya is removed; the cell moves on one more epoch, and its committers publish their records.
        await cell["Starik"].ChangeMembersAsync([], ["Galya"]);
        await cell["Alyosha"].SyncAsync();
        await cell["Alyosha"].UpdateKeysAsync();
        await cell["Starik"].SyncAsync();
        var epoch = cell["Starik"].Group.Epoch;
        using var current = cell["Starik"].RejoinDrop();
        using var galyas = CellRejoin.DropOf(galyaSecret, CellRejoin.PeriodOf(DateTimeOffset.UtcNow, people.Settings.RejoinPeriod));
        Assert.NotEqual(galyas.Name, current.Name);
        var before = await relay.FetchAsync(current.Name, current.ReadKey, 0, TimeSpan.Zero, default);
        Assert.Contains(before.Envelopes, e => current.TryOpen(e.Data) is (CellRejoin.RecordKind, var c) && RejoinRecord.TryDecode(c)?.Epoch == epoch);

        // Whoever learned the drop's name (the relay can tell it to anyone) signs with a key of its own; Galya with the one her old secret gives.
        using var strangers = DropAppendKey.Create();
        foreach (var key in new[] { strangers, galyas.AppendKey })
        {
            var refused = await Assert.ThrowsAsync<RelayRejectedException>(() => relay.AppendAsync(current.Name, key, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small), MessageId.NewRandom(), default));
            Assert.Equal("bad_signature", refused.RelayError);
        }

        if (process is not null)
        {
            using var client = new HttpClient { BaseAddress = process.Address };
            var unsigned = await Assert.ThrowsAsync<RelayRequestException>(() => new RelayClient(client).AppendAsync(current.Name, null, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small), MessageId.NewRandom()));
            Assert.Equal((401, "unauthenticated"), (unsigned.Status, unsigned.Error));
        }

        // Nothing was stored, and Galya's old read key does not read the drop.
        var after = await relay.FetchAsync(current.Name, current.ReadKey, 0, TimeSpan.Zero, default);
        Assert.Equal(before.Last, after.Last);
        Assert.Equal(before.Envelopes.Select(e => Convert.ToHexString(e.Data)), after.Envelopes.Select(e => Convert.ToHexString(e.Data)));
        await Assert.ThrowsAsync<RelayRejectedException>(() => relay.FetchAsync(current.Name, galyas.ReadKey, 0, TimeSpan.Zero, default));

        // Were the relay to hand her the records, she could not open one; and the drop her old secret names holds no epoch after her removal.
        Assert.All(after.Envelopes, e => Assert.Null(galyas.TryOpen(e.Data)));
        var old = await relay.FetchAsync(galyas.Name, galyas.ReadKey, 0, TimeSpan.Zero, default);
        var oldEpochs = old.Envelopes.Select(e => galyas.TryOpen(e.Data)).OfType<(byte Kind, byte[] Content)>().Select(o => RejoinRecord.TryDecode(o.Content)!.Epoch).ToList();
        Assert.NotEmpty(oldEpochs);
        Assert.All(oldEpochs, e => Assert.True(e < epoch - 1, $"epoch {e} of the old rejoin drop is after Galya's removal"));

        // The cell is unharmed.
        await cell["Alyosha"].SendAsync(new TextContent("still here"));
        Assert.Equal(new TextContent("still here"), Assert.Single(await cell["Starik"].SyncAsync()).Content);
    }

    [Fact]
    public async Task Many_commits_between_membership_changes_never_fill_a_rejoin_drop_and_a_member_away_still_rejoins()
    {
        // A relay that holds 12 envelopes a drop: the 25 records of three days would fill one rejoin drop.
        var relay = new InMemoryRelay { MaxEnvelopesPerDrop = 12 };
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero));
        using var people = new People(relay, new CellSettings(TimeSpan.FromSeconds(10), clock));
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Starik"].SendAsync(new TextContent("before"));
        await cell["Galya"].SyncAsync();
        var galyasDrop = cell["Galya"].Cell.CurrentDrop;
        var firstDay = CellRejoin.PeriodOf(clock.GetUtcNow(), people.Settings.RejoinPeriod);

        // Galya goes away; Starik rotates the keys eight times a day for three days (no change of membership).
        for (var day = 0; day < 3; day++)
        {
            for (var i = 0; i < 8; i++)
            {
                await cell["Starik"].UpdateKeysAsync();
                await cell["Alyosha"].SyncAsync();
            }

            clock.Advance(TimeSpan.FromDays(1));
        }

        // Each day's drop holds that day's records only, and every record of the last day is there.
        var secret = cell["Starik"].Store.Cursor.RejoinSecret;
        var counts = new List<int>();
        for (var period = firstDay; period < firstDay + 3; period++)
        {
            using var drop = CellRejoin.DropOf(secret, period);
            counts.Add((await relay.FetchAsync(drop.Name, drop.ReadKey, 0, TimeSpan.Zero, default)).Envelopes.Count);
        }

        Assert.Equal([9, 8, 8], counts);

        // Galya's epoch's drop expires; she finds the newest record a day back (today's drop is still empty) and rejoins.
        var epoch = cell["Starik"].Group.Epoch;
        relay.Expire(galyasDrop);
        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.Contains("it rejoined the cell", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        Assert.Equal(epoch + 1, cell["Galya"].Group.Epoch);
        await cell["Starik"].SendAsync(new TextContent("after three days"));
        Assert.Equal(new TextContent("after three days"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
